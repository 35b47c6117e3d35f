import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@sva/kernel';
import { provisionDatabase, type ProvisionedDatabase } from '@sva/testing';
import { buildConsoleServer, consoleDefaults, migrationsDir, type ConsoleConfig } from '../src/index.ts';

/** A call a stand-in service received from the console. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A real HTTP server standing in for the three services: it records what the console forwards
 * and answers 200 `{"ok":true}`. (The browser tests run the console against the real services.)
 */
export async function recordingUpstream(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json', 'x-internal': 'not passed on' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export const SERVICE_KEY = 'service-key-for-tests-0123456789';

/** A clock the test moves. */
export function testClock(start = new Date('2026-12-01T12:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

export interface ConsoleUnderTest {
  readonly url: string;
  readonly adminPassword: string;
  readonly database: ProvisionedDatabase;
  stop(): Promise<void>;
}

/** The console's server on a fresh database, forwarding to `upstream`. */
export async function startConsole(upstream: string, clock: Clock, overrides: Partial<ConsoleConfig> = {}): Promise<ConsoleUnderTest> {
  const database = await provisionDatabase({ migrationsDir, label: 'console' });
  const config: ConsoleConfig = {
    ...consoleDefaults,
    http: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    database: { url: database.url, poolMax: database.poolMax },
    services: { catalog: upstream, subscriptions: upstream, billing: upstream },
    serviceApiKey: SERVICE_KEY,
    webDir: undefined,
    ...overrides,
  };
  const built = await buildConsoleServer(config, { clock });
  const running = await built.start();
  return {
    url: running.url,
    adminPassword: built.firstAdminPassword!,
    database,
    stop: async () => {
      await running.stop();
      await database.drop();
    },
  };
}

/** A browser-like client: keeps the session cookie, sends the CSRF token on changes. */
export class Client {
  cookie = '';
  csrfToken = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<Response> {
    const response = await this.call('POST', '/api/session', { username, password });
    if (response.status === 200) {
      this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
      this.csrfToken = ((await response.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return response;
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
}
