import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildApp, type BuiltApp, runtimeExternals } from '@sva/build';
import { migrationsDir } from '@sva/catalog';
import { freePort, provisionDatabase, resolveNats } from '@sva/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const apps = ['catalog', 'subscriptions', 'billing-status', 'neo-gateway'] as const;
const nats = await resolveNats();
const runFile = promisify(execFile);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A started artefact: plain `node main.mjs` in the artefact folder, with only the env given. */
interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(dir: string, entry: string, env: Record<string, string>): Started {
  // Nothing from this process's environment but PATH: the artefact gets what a pod would.
  const child = spawn(process.execPath, [entry], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Secrets and URLs each service needs to get past its configuration, pointing at `nats`/`database`. */
function serviceEnv(app: (typeof apps)[number], natsUrl: string, databaseUrl: string): Record<string, string> {
  const key = 'an-operator-api-key-of-32-characters-x';
  const secret = 'a-secret-of-at-least-thirty-two-characters-long';
  const common = { NATS_URL: natsUrl, LOG_LEVEL: 'info', OTEL_SDK_DISABLED: 'true' };
  switch (app) {
    case 'catalog':
      return { ...common, CATALOG_DATABASE_URL: databaseUrl, CATALOG_API_KEYS: key, CATALOG_CREDENTIALS_KEY: secret, GATEWAY_PUBLIC_URL: 'https://gateway.example.net' };
    case 'subscriptions':
      return { ...common, SUBSCRIPTIONS_DATABASE_URL: databaseUrl, SUBSCRIPTIONS_API_KEYS: key, LOGIN_HASH_KEY: secret };
    case 'billing-status':
      return { ...common, BILLING_DATABASE_URL: databaseUrl, BILLING_API_KEYS: key };
    case 'neo-gateway':
      return { ...common, LOGIN_HASH_KEY: secret };
  }
}

describe('production build (tools/build): each service bundled to run with plain node', () => {
  const outRoot = mkdtempSync(path.join(os.tmpdir(), 'sva-artefacts-'));
  const built = new Map<string, BuiltApp>();

  beforeAll(async () => {
    // Outside the workspace, so that nothing can resolve from its node_modules by accident.
    for (const app of apps) built.set(app, await buildApp({ root, app, outDir: path.join(outRoot, app) }));
  }, 180_000);

  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it('when every app is built, then each artefact has its entry points and migrations, and depends only on the runtime externals at locked versions', () => {
    for (const app of apps) {
      const artefact = built.get(app)!;
      const files = readdirSync(artefact.outDir);
      expect(files, app).toEqual(expect.arrayContaining(['main.mjs', 'package.json', 'package-lock.json']));
      const manifest = JSON.parse(readFileSync(path.join(artefact.outDir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest['devDependencies'], app).toBeUndefined();
      expect(Object.keys(manifest['dependencies'] as object).every((name) => runtimeExternals.includes(name)), app).toBe(true);
      const lock = JSON.parse(readFileSync(path.join(artefact.outDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
      expect(Object.values(lock.packages).some((entry) => entry.dev), app).toBe(false);
      const hasDatabase = existsSync(path.join(root, 'apps', app, 'prisma', 'migrations'));
      expect(artefact.entries.migrate !== undefined, app).toBe(hasDatabase);
      if (hasDatabase) {
        const shipped = readdirSync(path.join(artefact.outDir, 'prisma', 'migrations')).sort();
        expect(shipped, app).toEqual(readdirSync(path.join(root, 'apps', app, 'prisma', 'migrations')).sort());
      }
    }
    // The gateway has no database: no driver to install at all.
    expect(built.get('neo-gateway')!.dependencies).toEqual({});
    expect(built.get('catalog')!.dependencies).toHaveProperty('pg');
  });

  it("when npm checks the catalog artefact's node_modules against its package.json and pruned lockfile, then the tree is complete and holds nothing extra", async () => {
    const { stdout } = await runFile('npm', ['ls', '--all', '--json'], { cwd: built.get('catalog')!.outDir, timeout: 60_000 });
    const tree = JSON.parse(stdout) as { problems?: string[]; dependencies?: Record<string, unknown> };
    expect(tree.problems ?? []).toEqual([]);
    expect(Object.keys(tree.dependencies ?? {})).toEqual(['pg']);
  });

  it("when the Dockerfile's dependency step (npm ci --omit=dev) runs on the catalog's package.json and pruned lockfile, then it installs exactly the copied tree", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sva-npm-ci-'));
    try {
      const artefact = built.get('catalog')!.outDir;
      for (const file of ['package.json', 'package-lock.json']) writeFileSync(path.join(dir, file), readFileSync(path.join(artefact, file)));
      await runFile('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 120_000 });
      const installed = (root: string) => readdirSync(path.join(root, 'node_modules')).filter((name) => !name.startsWith('.')).sort();
      expect(installed(dir)).toEqual(installed(artefact));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when each artefact starts with a bus it cannot reach, then it gets as far as building the service (every module it needs loads) and fails cleanly with exit code 1', async () => {
    const closed = `nats://127.0.0.1:${await freePort()}`;
    const database = `postgres://nobody@127.0.0.1:${await freePort()}/none`;
    await Promise.all(
      apps.map(async (app) => {
        const run = start(built.get(app)!.outDir, 'main.mjs', serviceEnv(app, closed, database));
        const code = await run.exited;
        expect(run.output(), app).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|Dynamic require|is not defined/);
        expect(run.output(), app).toMatch(/failed to start: .*NATS/);
        expect(code, app).toBe(1);
      }),
    );
  });

  it('when migrate.mjs runs against an empty database, then it applies the migrations shipped with the artefact, and a second run finds nothing to do', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'sva-no-migrations-'));
    const database = await provisionDatabase({ migrationsDir: empty, label: 'artefact_migrate' });
    try {
      const dir = built.get('catalog')!.outDir;
      const env = { CATALOG_DATABASE_URL: database.url };
      const first = start(dir, 'migrate.mjs', env);
      expect(await first.exited, first.output()).toBe(0);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name');
        expect(rows.map((row) => row.migration_name)).toEqual(readdirSync(path.join(dir, 'prisma', 'migrations')).filter((name) => !name.endsWith('.toml')).sort());
      } finally {
        await client.end();
      }
      const second = start(dir, 'migrate.mjs', env);
      expect(await second.exited).toBe(0);
      expect(second.output()).toMatch(/up to date/);
      const missing = start(dir, 'migrate.mjs', {});
      expect(await missing.exited).toBe(78);
      expect(missing.output()).toContain('CATALOG_DATABASE_URL: is required');
    } finally {
      await database.drop();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe.skipIf(nats.source === 'none')(`the catalog artefact running on PostgreSQL and NATS${nats.reason ? ` — skipped: ${nats.reason}` : ''}`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    const received: unknown[] = [];
    let run: Started;
    let baseUrl: string;
    let metricsUrl: string;
    const apiKey = randomBytes(24).toString('base64url');

    beforeAll(async () => {
      cleanups.push(() => nats.stop());
      const database = await provisionDatabase({ migrationsDir, label: 'artefact' });
      cleanups.push(() => database.drop());
      // A stand-in OpenTelemetry collector: OTLP/HTTP with JSON bodies.
      const collector = http.createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
          if (request.url === '/v1/traces') received.push(JSON.parse(body));
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => collector.close(resolve)));
      const metricsPort = await freePort();
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      run = start(built.get('catalog')!.outDir, 'main.mjs', {
        ...serviceEnv('catalog', nats.url, database.url),
        OTEL_SDK_DISABLED: 'false',
        BUS_PREFIX: nats.prefix,
        CATALOG_API_KEYS: apiKey,
        CATALOG_HOST: '127.0.0.1',
        CATALOG_PORT: '0',
        CATALOG_DATABASE_POOL_MAX: String(database.poolMax),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      });
      cleanups.unshift(async () => {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      });
      baseUrl = await until('the catalog to log its address', async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*catalog listening/.exec(run.output())?.[1]);
    }, 120_000);

    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    });

    it('when it is started with node main.mjs, then /livez and /readyz answer 200 (database and bus up)', async () => {
      expect((await fetch(`${baseUrl}/livez`)).status).toBe(200);
      const ready = await until('/readyz to answer 200', async () => {
        const response = await fetch(`${baseUrl}/readyz`);
        return response.status === 200 ? ((await response.json()) as unknown) : undefined;
      });
      expect(ready).toMatchObject({ ready: true, checks: { database: { ok: true }, bus: { ok: true } } });
    });

    it('when a traced request reads the database, then the spans of the request, Prisma and pg reach the collector in one trace, and the log lines carry its id', async () => {
      const traceId = randomBytes(16).toString('hex');
      const response = await fetch(`${baseUrl}/v1/integrations`, {
        headers: { authorization: `Bearer ${apiKey}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      expect(response.status).toBe(200);
      const spans = await until('the trace to be exported', async () => {
        const found = received
          .flatMap((body) => (body as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ scope: { name: string }; spans: Array<{ traceId: string; name: string; kind: number }> }> }> }).resourceSpans)
          .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ ...span, scope: scope.scope.name, service: resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue }))))
          .filter((span) => span.traceId === traceId);
        return found.some((span) => span.scope === '@opentelemetry/instrumentation-pg') && found.some((span) => span.kind === 2) ? found : undefined;
      }, 20_000);
      expect(spans.find((span) => span.kind === 2)).toMatchObject({ name: 'request', scope: '@fastify/otel', service: 'catalog' });
      expect(spans.some((span) => span.scope === 'prisma' && span.name === 'prisma:client:operation')).toBe(true);
      const lines = run.output().split('\n').filter((line) => line.includes(traceId));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((line) => (JSON.parse(line) as { trace_id?: string }).trace_id === traceId)).toBe(true);
    });

    it('when Prometheus scrapes it, then it sees request metrics by route and status (probes left out) and the outbox gauges', async () => {
      expect((await fetch(`${baseUrl}/v1/integrations`)).status).toBe(401);
      const text = await until('the metrics endpoint', async () => {
        const body = await (await fetch(metricsUrl)).text();
        return body.includes('http_response_status_code="401"') ? body : undefined;
      });
      expect(text).toMatch(/^http_server_request_duration_count\{[^}]*http_response_status_code="200"[^}]*http_route="\/v1\/integrations"[^}]*\} [1-9]/m);
      expect(text).toMatch(/^http_server_request_duration_count\{[^}]*http_response_status_code="401"[^}]*\} [1-9]/m);
      expect(text).not.toContain('http_route="/readyz"');
      expect(text).toMatch(/^sva_outbox_backlog(\{[^}]*\})? 0$/m);
      expect(text).toMatch(/^sva_outbox_oldest_age(\{[^}]*\})? 0$/m);
    });

    it('when it receives SIGTERM, then it reports not ready, stops and exits with code 0', async () => {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('catalog stopped');
    });
  });
});
