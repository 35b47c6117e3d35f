import type { Bus } from '@sva/bus';
import {
  createHttpApp,
  createLogger,
  type HttpApp,
  type HttpLifecycle,
  type Logger,
  openBus,
  type ReadinessReport,
  type Resource,
  type Service,
  serviceHost,
  type Worker,
} from '@sva/service-kit';
import type { GatewayConfig } from './config.ts';
import { createLoginDigests } from './domain/login-keys.ts';
import { callbackV1Routes, isCallbackRequest } from './http/callback-v1.routes.ts';
import { endUserAddressReader } from './http/end-user-address.ts';
import { redactCallbackUrl } from './http/redact.ts';
import { createDecisionRecorder, type DecisionRecorder } from './messaging/decision-recorder.ts';
import { createGatewayMetrics } from './metrics.ts';
import { type CallbackCore, createCallbackCore } from './use-cases/callback.ts';
import { EntitlementView } from './view/entitlement-view.ts';
import { Freshness } from './view/freshness.ts';
import { createSnapshotWriter, type SnapshotWriter } from './view/snapshot-writer.ts';
import { createViewFeed, type ViewFeed } from './view/view-feed.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface GatewayDependencies {
  /** A shared bus (the embedded mode's in-process bus). When absent, connects to NATS and owns the connection. */
  readonly bus?: Bus;
  readonly logger?: Logger;
  /** Milliseconds since the epoch (tests move time for rotation overlaps, lockouts and staleness). */
  readonly now?: () => number;
}

export const GATEWAY_VERSION = '1.0.0';

const minute = 60_000;

/** The gateway's parts, wired but not started: what `buildGatewayService` hosts, and what tests drive. */
export interface Gateway {
  readonly app: HttpApp;
  readonly lifecycle: HttpLifecycle;
  readonly logger: Logger;
  readonly bus: Bus;
  readonly view: EntitlementView;
  readonly freshness: Freshness;
  readonly feed: ViewFeed;
  readonly snapshots: SnapshotWriter;
  readonly recorder: DecisionRecorder;
  readonly core: CallbackCore;
  /** Started in order, stopped in order: view feed, snapshot writer, audit recorder. */
  readonly workers: readonly Worker[];
  /** Closed last: the bus status listener, then the bus when the gateway owns it. */
  readonly resources: readonly Resource[];
}

/**
 * Wire the gateway: an in-memory entitlement view fed by the bus, and the callback contract v1
 * NEO calls. It has no database: the view is rebuilt from the bus (or a snapshot of it) on start,
 * and it reports ready only once that bootstrap has caught up. While the bus is away it keeps
 * answering from the view it has, reports how stale that is, and past the maximum staleness follows
 * the configured policy.
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger({ name: 'neo-gateway', level: config.logLevel, redactUrl: redactCallbackUrl });
  const now = deps.now ?? Date.now;
  const { bus, resources } = await openBus(config.bus, 'neo-gateway', deps.bus);
  const view = new EntitlementView();
  const freshness = new Freshness(config.maxStalenessSeconds * 1000, config.stalePolicy, now);
  freshness.busStatus(bus.status());
  const unsubscribe = bus.onStatus((status) => {
    freshness.busStatus(status);
    if (status !== 'closed') logger.warn({ bus: status, stalenessSeconds: freshness.stalenessMs() / 1000 }, 'bus connectivity changed');
  });
  const feed = createViewFeed({ bus, view, freshness, logger, useSnapshots: config.useSnapshots, now });
  const snapshots = createSnapshotWriter({ bus, view, feed, intervalMs: config.snapshotIntervalSeconds * 1000, logger, now });
  const recorder = createDecisionRecorder({
    bus,
    gatewayId: config.gatewayId,
    batchSize: config.auditBatchSize,
    flushIntervalMs: config.auditFlushMs,
    maxBuffered: config.auditMaxBuffered,
    logger,
  });
  const metrics = createGatewayMetrics({
    view: () => view.stats(),
    freshness: () => freshness.report(),
    bootstrapSeconds: () => feed.report().seconds,
    audit: () => recorder.stats(),
  });
  const core = createCallbackCore({
    view,
    digests: createLoginDigests(config.loginHashKey),
    previousDigests: (config.previousLoginHashKeys ?? []).map((key) => createLoginDigests(key)),
    freshness,
    recorder,
    metrics,
    ready: feed.ready,
    allowTtlSeconds: config.allowTtlSeconds,
    denyTtlSeconds: config.denyTtlSeconds,
    perLogin: { maxFailures: config.identifyFailuresPerLogin, windowMs: 15 * minute, lockoutMs: 15 * minute, maxLockoutMs: config.identifyMaxLockoutSeconds * 1000 },
    perEndUserAddress: { maxFailures: config.identifyFailuresPerEndUserAddress, windowMs: minute, lockoutMs: minute, maxLockoutMs: config.identifyMaxLockoutSeconds * 1000 },
    perIntegration: { perMinute: config.identifyFailureBudget, burst: config.identifyFailureBurst },
    acceptUnboundVerifiers: config.acceptUnboundVerifiers,
    now,
  });

  const { app, lifecycle } = createHttpApp({
    name: 'neo-gateway',
    version: GATEWAY_VERSION,
    description:
      'Callback contract v1 for content platforms (NEO): identify and authorise under each integration\'s callback URL (R13–R15). The URL holds the integration\'s secret; calls without it get 404. See the README of apps/neo-gateway for the security model and the staleness policy.',
    logger,
    bodyLimit: 4 * 1024,
    requestTimeoutMs: 5_000,
    http: config.http,
    ...(config.logCallbackRequests ? {} : { quietRequests: isCallbackRequest }),
    readiness: async () => readiness(feed, freshness, view),
    tags: {
      'callback v1': "NEO's callbacks (R13–R15). No credential header: the integration's callback secret is the last path segment before the call (`/v1/callback/{integrationId}/{secret}/…`, R3), shown once by the catalog and compared in constant time; a wrong secret and an unknown integration get the same 404.",
    },
  });
  callbackV1Routes(app, core, endUserAddressReader(config.endUserAddressTrusted));

  return {
    app,
    lifecycle,
    logger,
    bus,
    view,
    freshness,
    feed,
    snapshots,
    recorder,
    core,
    workers: [feed, snapshots, recorder],
    resources: [{ name: 'bus status listener', close: async () => unsubscribe() }, ...resources],
  };
}

/** The gateway as a service: `start` loads the view in the background and serves; `stop` shuts down gracefully. */
export async function buildGatewayService(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<Service> {
  const gateway = await createGateway(config, deps);
  return serviceHost({
    name: 'neo-gateway',
    logger: gateway.logger,
    http: { app: gateway.app, lifecycle: gateway.lifecycle, ...config.http },
    workers: gateway.workers,
    resources: gateway.resources,
  });
}

/**
 * `/readyz`: ready once the view is loaded and caught up — and still ready while the bus is away
 * (the gateway keeps answering; taking every replica out of the load balancer would stop NEO's
 * logins altogether). The bus, the staleness and the policy are reported as detail.
 */
function readiness(feed: ViewFeed, freshness: Freshness, view: EntitlementView): ReadinessReport {
  const bootstrap = feed.report();
  const fresh = freshness.report();
  const stats = view.stats();
  return {
    ready: bootstrap.state === 'ready',
    checks: {
      view: {
        ok: bootstrap.state === 'ready',
        detail: `${bootstrap.state}${bootstrap.source ? ` from ${bootstrap.source}` : ''}; ${stats.subscribers} subscribers, ${stats.integrations} integrations; ${bootstrap.entries} entries from the bus${bootstrap.seconds !== undefined ? ` (ready in ${bootstrap.seconds.toFixed(2)} s)` : ''}`,
      },
      bus: { ok: fresh.bus === 'connected', detail: fresh.bus },
      staleness: {
        ok: !fresh.tooStale,
        detail: `${fresh.stalenessSeconds.toFixed(1)} s (max ${fresh.maxStalenessSeconds} s, policy ${fresh.policy}); last change ${fresh.lastChangeAgeSeconds === null ? 'never' : `${fresh.lastChangeAgeSeconds.toFixed(1)} s ago`}`,
      },
    },
  };
}
