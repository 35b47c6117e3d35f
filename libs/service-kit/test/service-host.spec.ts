import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, serviceHost, type Resource, type RunningService, type Worker } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

/** Records the order in which workers, HTTP and resources start and stop. */
function harness(options: { failingStop?: string; failingStart?: string } = {}) {
  const events: string[] = [];
  const logs = captureLogs();
  const http = createHttpApp({ name: 'svc', version: '0', logger: logs.logger, readiness: async () => ({ ready: true, checks: {} }) });
  http.app.addHook('onClose', async () => void events.push('http closed'));
  const worker = (name: string): Worker => ({
    name,
    start: async () => {
      if (name === options.failingStart) throw new Error(`${name} cannot start`);
      events.push(`${name} started`);
    },
    stop: async () => {
      const readyz = (await http.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
      events.push(`${name} stopped (readyz ${readyz})`);
      if (name === options.failingStop) throw new Error(`${name} broke`);
    },
  });
  const resource = (name: string): Resource => ({ name, close: async () => void events.push(`${name} closed`) });
  const service = serviceHost({
    name: 'svc',
    logger: logs.logger,
    http: { ...http, host: '127.0.0.1', port: 0 },
    workers: [worker('outbox'), worker('consumer')],
    resources: [resource('bus'), resource('database')],
  });
  return { service, events, logs, http };
}

let running: RunningService | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await running?.stop().catch(() => undefined);
  running = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

describe('serviceHost', () => {
  it('when started, then workers start first and the HTTP server listens on the resolved port', async () => {
    const { service, events } = harness();
    expect(service.name).toBe('svc');
    running = await service.start();
    expect(events).toEqual(['outbox started', 'consumer started']);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.url).not.toMatch(/:0$/);
    const response = await fetch(`${running.url}/livez`);
    expect(response.status).toBe(200);
  });

  it('when stopped, then readiness goes 503, workers stop, HTTP closes and resources close in order', async () => {
    const { service, events, http } = harness();
    running = await service.start();
    const url = running.url;
    expect((await http.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    events.length = 0;
    await running.stop();
    expect(events).toEqual([
      'outbox stopped (readyz 503)',
      'consumer stopped (readyz 503)',
      'http closed',
      'bus closed',
      'database closed',
    ]);
    await expect(fetch(`${url}/livez`)).rejects.toThrow();
  });

  it('when stop is called twice, then the same shutdown runs once', async () => {
    const { service, events } = harness();
    running = await service.start();
    const first = running.stop();
    const second = running.stop();
    expect(second).toBe(first);
    await first;
    expect(events.filter((event) => event === 'database closed')).toHaveLength(1);
  });

  it('when a worker fails to stop, then the rest still stops, resources close, and stop rethrows', async () => {
    const { service, events, logs } = harness({ failingStop: 'outbox' });
    running = await service.start();
    events.length = 0;
    await expect(running.stop()).rejects.toThrow('outbox broke');
    expect(events).toEqual(['outbox stopped (readyz 503)', 'consumer stopped (readyz 503)', 'http closed', 'bus closed', 'database closed']);
    expect(logs.lines().find((line) => line.msg === 'shutdown step failed')).toMatchObject({ step: 'worker outbox' });
    expect(logs.lines().some((line) => line.msg === 'svc stopped')).toBe(true);
  });

  it('when a worker fails to start, then the workers already started stop, resources close and start rejects', async () => {
    const { service, events } = harness({ failingStart: 'consumer' });
    await expect(service.start()).rejects.toThrow('consumer cannot start');
    expect(events).toEqual(['outbox started', 'outbox stopped (readyz 503)', 'http closed', 'bus closed', 'database closed']);
  });

  it('when the port is taken, then the started workers stop, resources close and start rejects', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) => {
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port));
    });
    const events: string[] = [];
    const logs = captureLogs();
    const http = createHttpApp({ name: 'svc', version: '0', logger: logs.logger, readiness: async () => ({ ready: true, checks: {} }) });
    const service = serviceHost({
      name: 'svc',
      logger: logs.logger,
      http: { ...http, host: '127.0.0.1', port },
      workers: [{ name: 'relay', start: async () => void events.push('relay started'), stop: async () => void events.push('relay stopped') }],
      resources: [{ name: 'database', close: async () => void events.push('database closed') }],
    });
    await expect(service.start()).rejects.toThrow(/EADDRINUSE/);
    expect(events).toEqual(['relay started', 'relay stopped', 'database closed']);
  });
});
