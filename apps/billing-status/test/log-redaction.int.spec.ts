import { connectNatsBus, createMemoryBus, type Bus } from '@sva/bus';
import { FixedClock } from '@sva/kernel';
import type { RunningService } from '@sva/service-kit';
import { captureLogger, captureSpans, probeForLeaks, sensitiveValues } from '@sva/service-kit/testing';
import { provisionDatabase, resolveNats, type ProvisionedDatabase, type ResolvedNats } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingConfig } from '../src/config.ts';

const API_KEY = 'log-redaction-api-key-0123456789abcdef';

/**
 * Issue 11 §3: requests carrying a CPF, a password, a callback secret and an API key, plainly and
 * percent-encoded, leave none of them in billing-status's log lines or request spans.
 */
describe('billing-status: nothing personal or secret in logs and spans', () => {
  // As main.ts: telemetry first, the service's modules after.
  const spans = captureSpans('billing-status');
  const logs = captureLogger('billing-status');
  let nats: ResolvedNats;
  let bus: Bus;
  let database: ProvisionedDatabase;
  let running: RunningService;

  beforeAll(async () => {
    const { buildBillingService, migrationsDir } = await import('../src/index.ts');
    nats = await resolveNats();
    bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    database = await provisionDatabase({ migrationsDir, label: 'billing' });
    const config: BillingConfig = {
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'trace',
      bus: { natsUrl: undefined, prefix: undefined },
      database: { url: database.url, poolMax: database.poolMax },
      apiKeys: [API_KEY],
      graceDays: 5,
      timeZone: 'America/Sao_Paulo',
      maxTrustUnblockDays: 7,
      dailyEvaluationTime: '06:00',
      schedulerIntervalMs: 3_600_000,
      evaluationBatchSize: 10,
      evaluationConcurrency: 1,
    };
    running = await (await buildBillingService(config, { bus, clock: new FixedClock('2026-11-20T12:00:00Z'), logger: logs.logger })).start();
  });
  afterAll(async () => {
    await running?.stop();
    await bus?.close();
    await database?.drop();
    await nats?.stop();
    await spans.telemetry.shutdown();
  });

  it('when requests carry a CPF, a password, a callback secret and an API key (plain and encoded), then none is logged or traced', async () => {
    const result = await probeForLeaks({
      baseUrl: running.url,
      values: sensitiveValues(),
      paths: ['/v1/settings', '/v1/daily-evaluations', '/v1/invoice-facts'],
      validApiKey: API_KEY,
      logs: logs.text,
      spans,
    });
    expect(spans.telemetry.enabled).toBe(true);
    expect(result.statuses).toContain(200);
    expect(result.statuses).toContain(401);
    expect(result.requestLogLines).toBeGreaterThan(20);
    expect(result.spans).toBeGreaterThan(20);
    expect(result.leaked).toEqual([]);
  });
});
