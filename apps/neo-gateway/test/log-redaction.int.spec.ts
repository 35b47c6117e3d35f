import type { AddressInfo } from 'node:net';
import { captureLogger, captureSpans, probeForLeaks, sensitiveValues } from '@sva/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactCallbackUrl } from '../src/http/redact.ts';
import { cpf, entitlementRecord, integrationId, integrationRecord, secret } from './fixtures.ts';
import type { TestGateway } from './gateway.ts';

/**
 * Issue 11 §3: callbacks carrying the integration's secret (also as `/v1/%63allback/…` and fully
 * percent-encoded), a CPF login, a password and an API key leave none of them in the gateway's log
 * lines (every callback logged here) or request spans.
 */
describe('neo-gateway: nothing personal or secret in logs and spans', () => {
  // As main.ts: telemetry first, the service's modules after.
  const spans = captureSpans('neo-gateway', { redactUrl: redactCallbackUrl });
  const logs = captureLogger('neo-gateway');
  let gateway: TestGateway;
  let baseUrl: string;

  beforeAll(async () => {
    const { startTestGateway } = await import('./gateway.ts');
    gateway = await startTestGateway({
      logger: logs.logger,
      config: { logCallbackRequests: true },
      integrations: [integrationRecord()],
      entitlements: [entitlementRecord({ n: 1 })],
    });
    const address = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    expect(address).toContain('127.0.0.1');
  });
  afterAll(async () => {
    await gateway?.stop();
    await spans.telemetry.shutdown();
  });

  it('when callbacks carry the secret, a CPF, a password and an API key (plain and encoded), then none is logged or traced', async () => {
    const values = { ...sensitiveValues(), callbackSecret: secret, cpf: cpf(1) };
    const result = await probeForLeaks({ baseUrl, values, paths: ['/v1/callback/x'], callbackIntegrationId: integrationId, logs: logs.text, spans });
    expect(spans.telemetry.enabled).toBe(true);
    // The encoded callback URLs reach the callbacks as the plain ones do.
    expect(result.statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(6);
    expect(result.requestLogLines).toBeGreaterThan(10);
    expect(result.spans).toBeGreaterThan(10);
    expect(result.leaked).toEqual([]);
  });
});
