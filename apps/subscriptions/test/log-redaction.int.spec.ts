import { connectNatsBus, createMemoryBus, type Bus } from '@sva/bus';
import { FixedClock } from '@sva/kernel';
import type { RunningService } from '@sva/service-kit';
import { captureLogger, captureSpans, probeForLeaks, sensitiveValues } from '@sva/service-kit/testing';
import { provisionDatabase, resolveNats, type ProvisionedDatabase, type ResolvedNats } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriptionsConfig } from '../src/config.ts';

const API_KEY = 'log-redaction-api-key-0123456789abcdef';

/**
 * Issue 11 §3: `GET /v1/customers?document=<CPF>` and the like, with a password, a callback secret
 * and an API key, plainly and percent-encoded, leave none of them in the service's logs or spans.
 */
describe('subscriptions: nothing personal or secret in logs and spans', () => {
  // As main.ts: telemetry first, the service's modules after.
  const spans = captureSpans('subscriptions');
  const logs = captureLogger('subscriptions');
  let nats: ResolvedNats;
  let bus: Bus;
  let database: ProvisionedDatabase;
  let running: RunningService;

  beforeAll(async () => {
    const { buildSubscriptionsService, migrationsDir } = await import('../src/index.ts');
    nats = await resolveNats();
    bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    database = await provisionDatabase({ migrationsDir, label: 'subscriptions' });
    const config: SubscriptionsConfig = {
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'trace',
      bus: { natsUrl: undefined, prefix: undefined },
      database: { url: database.url, poolMax: database.poolMax },
      apiKeys: [API_KEY],
      loginHashKey: 'log-redaction-login-hash-key-0123456789',
      catalogTimeoutMs: 2_000,
      republishOnStart: false,
      trialSweepIntervalMs: 3_600_000,
    };
    running = await (await buildSubscriptionsService(config, { bus, clock: new FixedClock('2026-11-28T12:00:00Z'), logger: logs.logger })).start();
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
      paths: ['/v1/customers', '/v1/reports/active-subscribers'],
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

  it('when customers are searched by name (accented, percent-encoded) and by network login, then neither is logged or traced, the parameter names are', async () => {
    const name = 'Joaquim Sobrenomeúnico';
    const login = 'login.unico.7731@fibra';
    for (const query of [`name=${encodeURIComponent(name)}`, `name=${name.replace(/ /g, '+')}`, `login=${encodeURIComponent(login)}&limit=5`]) {
      const response = await fetch(`${running.url}/v1/customers?${query}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(response.status).toBe(200);
    }
    const traced = await spans.text();
    for (const text of [logs.text(), traced]) {
      expect(text).not.toMatch(/sobrenome/i);
      expect(text).not.toContain('unico.7731');
    }
    expect(logs.text()).toContain('name=[redacted]');
    expect(logs.text()).toContain('login=[redacted]&limit=5');
  });
});
