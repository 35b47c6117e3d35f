import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

let app: HttpApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('createLogger', () => {
  it('when secrets are logged at the top level or nested one level, then they are redacted', () => {
    const logs = captureLogs();
    logs.logger.info(
      {
        password: 'top-password',
        apiKey: 'top-api-key',
        user: { name: 'ana', password: 'p4ss', document: '123.456.789-00', cpf: '12345678900' },
        integration: { secret: 's3cr3t', clientSecret: 'c1', callbackSecret: 'cb', credentials: { user: 'u' } },
      },
      'hello',
    );
    const text = logs.text();
    for (const leaked of ['top-password', 'top-api-key', 'p4ss', '123.456.789-00', '12345678900', 's3cr3t', 'c1', 'cb', '"user":"u"']) {
      expect(text).not.toContain(leaked);
    }
    const [line] = logs.lines();
    expect(line).toMatchObject({
      msg: 'hello',
      name: 'test',
      password: '[redacted]',
      user: { name: 'ana', password: '[redacted]', document: '[redacted]', cpf: '[redacted]' },
      integration: { secret: '[redacted]', credentials: '[redacted]' },
    });
  });

  it('when the level is warn, then info lines are dropped', () => {
    const logs = captureLogs({ level: 'warn' });
    logs.logger.info('quiet');
    logs.logger.warn('loud');
    expect(logs.lines().map((line) => line.msg)).toEqual(['loud']);
  });

  it('when fastify logs a request, then the authorization header is redacted and the URL rewritten by redactUrl', async () => {
    const logs = captureLogs({ level: 'info', redactUrl: (url) => url.replace(/\/callbacks\/[^/?]+/, '/callbacks/[redacted]') });
    app = createHttpApp({
      name: 'gateway',
      version: '1.0.0',
      logger: logs.logger,
      readiness: async () => ({ ready: true, checks: {} }),
    }).app;
    app.addHook('onRequest', async (request) => {
      request.log.info({ headers: request.headers }, 'headers seen');
      request.log.info({ upstream: { headers: { ...request.headers } } }, 'nested headers seen');
    });
    app.post('/callbacks/:token', async () => ({ ok: true }));
    const response = await app.inject({
      method: 'POST',
      url: '/callbacks/hunter2-token?x=1',
      headers: { authorization: 'Bearer abc-secret-key', 'x-api-key': 'xyz-secret-key', cookie: 'session=c00kie' },
      payload: {},
    });
    expect(response.statusCode).toBe(200);
    const text = logs.text();
    expect(text).not.toContain('hunter2-token');
    expect(text).not.toContain('abc-secret-key');
    expect(text).not.toContain('xyz-secret-key');
    expect(text).not.toContain('c00kie');
    const incoming = logs.lines().find((line) => line.msg === 'incoming request');
    expect(incoming).toMatchObject({ req: { method: 'POST', url: '/callbacks/[redacted]?x=1' } });
    const completed = logs.lines().find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({ res: { statusCode: 200 } });
    const redactedHeaders = { authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]' };
    expect(logs.lines().find((line) => line.msg === 'headers seen')).toMatchObject({ headers: redactedHeaders });
    expect(logs.lines().find((line) => line.msg === 'nested headers seen')).toMatchObject({ upstream: { headers: redactedHeaders } });
  });
});
