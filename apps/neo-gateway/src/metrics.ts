import { type Meter, metrics } from '@opentelemetry/api';
import { AuthoriseReasonV1 } from '@sva/contracts';
import type { AuthoriseReason } from './domain/decisions.ts';

/** Identify outcomes counted by `gateway.identify.outcomes`. */
export type IdentifyOutcomeName = 'identified' | 'unknown_login' | 'wrong_password' | 'integration_inactive' | 'throttled';

/** What the metrics read from the rest of the gateway when they are collected. */
export interface GatewayGauges {
  view(): { subscribers: number; logins: number; integrations: number; bytes: number };
  freshness(): { stalenessSeconds: number; lastChangeAgeSeconds: number | null };
  /** Seconds the bootstrap took, once it is done. */
  bootstrapSeconds(): number | undefined;
  audit(): { buffered: number; published: number; dropped: number };
}

/** Counters bumped on the answer path: plain increments, read by observable instruments at collection. */
export interface GatewayMetrics {
  decided(reason: AuthoriseReason): void;
  identified(outcome: IdentifyOutcomeName): void;
}

/**
 * The gateway's metrics, on the global meter provider (a no-op until the service kit's telemetry
 * registers one; its exporters are configured there):
 *
 * - `gateway.authorise.decisions` (counter, by `reason` and `allowed`);
 * - `gateway.identify.outcomes` (counter, by `outcome`);
 * - `gateway.view.subscribers`, `gateway.view.logins`, `gateway.view.integrations`, `gateway.view.bytes` (gauges);
 * - `gateway.view.staleness` (s; 0 while the bus is connected) and `gateway.view.last_change_age` (s);
 * - `gateway.view.bootstrap.duration` (s, once ready);
 * - `gateway.audit.buffered` (gauge), `gateway.audit.published` and `gateway.audit.dropped` (counters, decisions).
 *
 * The answer path only increments numbers; nothing is allocated or hashed per request.
 */
export function createGatewayMetrics(gauges: GatewayGauges, meter: Meter = metrics.getMeter('@sva/neo-gateway')): GatewayMetrics {
  const decisions = Object.fromEntries(AuthoriseReasonV1.options.map((reason) => [reason, 0])) as Record<AuthoriseReason, number>;
  const identifications: Record<IdentifyOutcomeName, number> = { identified: 0, unknown_login: 0, wrong_password: 0, integration_inactive: 0, throttled: 0 };

  meter
    .createObservableCounter('gateway.authorise.decisions', { description: 'Authorise answers, by reason.', unit: '{decision}' })
    .addCallback((result) => {
      for (const reason of AuthoriseReasonV1.options) result.observe(decisions[reason], { reason, allowed: reason === 'subscribed' });
    });
  meter
    .createObservableCounter('gateway.identify.outcomes', { description: 'Identify answers, by outcome (throttled: 429).', unit: '{answer}' })
    .addCallback((result) => {
      for (const [outcome, count] of Object.entries(identifications)) result.observe(count, { outcome });
    });
  const viewGauge = (name: string, description: string, unit: string, read: (view: ReturnType<GatewayGauges['view']>) => number) =>
    meter.createObservableGauge(name, { description, unit }).addCallback((result) => result.observe(read(gauges.view())));
  viewGauge('gateway.view.subscribers', 'Subscribers held by the view.', '{subscriber}', (v) => v.subscribers);
  viewGauge('gateway.view.logins', 'Login keys held by the view.', '{login}', (v) => v.logins);
  viewGauge('gateway.view.integrations', 'Integrations held by the view.', '{integration}', (v) => v.integrations);
  viewGauge('gateway.view.bytes', 'Bytes of the view\'s columns and indexes.', 'By', (v) => v.bytes);
  meter
    .createObservableGauge('gateway.view.staleness', { description: 'How long the view may have been missing changes (0 while the bus is connected).', unit: 's' })
    .addCallback((result) => result.observe(gauges.freshness().stalenessSeconds));
  meter
    .createObservableGauge('gateway.view.last_change_age', { description: 'Time since the last change was applied to the view.', unit: 's' })
    .addCallback((result) => {
      const age = gauges.freshness().lastChangeAgeSeconds;
      if (age !== null) result.observe(age);
    });
  meter
    .createObservableGauge('gateway.view.bootstrap.duration', { description: 'Time from start until the view was loaded and caught up.', unit: 's' })
    .addCallback((result) => {
      const seconds = gauges.bootstrapSeconds();
      if (seconds !== undefined) result.observe(seconds);
    });
  meter
    .createObservableGauge('gateway.audit.buffered', { description: 'Decisions waiting to be published.', unit: '{decision}' })
    .addCallback((result) => result.observe(gauges.audit().buffered));
  meter
    .createObservableCounter('gateway.audit.published', { description: 'Decisions published to the audit stream.', unit: '{decision}' })
    .addCallback((result) => result.observe(gauges.audit().published));
  meter
    .createObservableCounter('gateway.audit.dropped', { description: 'Decisions dropped because the bus stayed unreachable and the buffer was full.', unit: '{decision}' })
    .addCallback((result) => result.observe(gauges.audit().dropped));

  return {
    decided(reason) {
      decisions[reason] += 1;
    },
    identified(outcome) {
      identifications[outcome] += 1;
    },
  };
}
