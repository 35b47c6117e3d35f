import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { loginKeyId } from '@sva/contracts';
import { applyMigrations, ensureDatabase } from '@sva/db';
import { migrationsDir, nameSearchForm, nameSearchPieces } from '@sva/subscriptions';
import { deleteRunStreams, freePort, uniqueNatsPrefix } from '@sva/testing';
import type pg from 'pg';
import { withClient } from './bench-kit.ts';
import { cpfFromBase } from './billing-seed.ts';
import { runTs, type Child } from './gateway-processes.ts';

/**
 * Customer search on 1M customers (issue 13: ≤ 100 ms p95), on the real PostgreSQL and through
 * the real subscriptions HTTP API, in its own process as `main.ts` runs it.
 *
 * 1. Creates its own database on `DATABASE_URL`'s server and applies subscriptions' migrations.
 * 2. Seeds `BENCH_CUSTOMERS` customers in SQL (`generate_series`, in batches): Brazilian names with
 *    accents combined from small lists, their search form (the app's `nameSearchForm` of each list
 *    word, joined as the app would join them; checked on a sample), a valid CPF per customer with
 *    its document key and verifier computed like the app computes them (HMAC-SHA256 with
 *    pgcrypto, under the key the service is given), a customer code, one service with a network
 *    login, and a subscriber id. Secondary indexes are dropped during the load and rebuilt from
 *    their own definitions after it, then `VACUUM ANALYZE`.
 * 3. Starts subscriptions and measures, closed loop, one request at a time, kinds interleaved at
 *    random, `BENCH_SEARCHES` searches of each kind for random existing customers: by name
 *    (first name and the start of a surname, typed without accents), by a fragment of a surname
 *    alone (many matches), by CPF (half with punctuation), by network login, by subscriber id and
 *    by code; and the baselines measured in the same run: `/livez` (the HTTP floor) and
 *    `GET /v1/customers/:id` (a primary-key lookup through the same API, auth and Prisma).
 * 4. Prints ONE JSON report (p50/p95/p99 per kind, p95 ratio to each baseline, seed times, answer
 *    checks) and drops its database and bus streams (unless `BENCH_KEEP=1`).
 *
 * Environment: `DATABASE_URL`, `NATS_URL`, `BENCH_CUSTOMERS` (1000000), `BENCH_SEARCHES` (300),
 * `BENCH_PAGE` (20, the console's page size), `BENCH_KEEP=1` (keep the database), `BENCH_DATABASE`
 * (measure again on a kept database, without seeding).
 */

const env = process.env;
const options = {
  databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  customers: Number(env.BENCH_CUSTOMERS ?? 1_000_000),
  searches: Number(env.BENCH_SEARCHES ?? 300),
  page: Number(env.BENCH_PAGE ?? 20),
  keep: env.BENCH_KEEP === '1',
  /** A database a previous run kept (`BENCH_KEEP=1`): measure again without seeding; it is kept. */
  reuse: env.BENCH_DATABASE,
};
const BATCH = 100_000;
const API_KEY = randomBytes(24).toString('base64url');
let LOGIN_HASH_KEY = randomBytes(32).toString('base64url');

const log = (message: string) => process.stderr.write(`[customer-search] ${message}\n`);

const FIRST_NAMES = [
  'João', 'José', 'Antônio', 'Francisco', 'Carlos', 'Paulo', 'Pedro', 'Lucas', 'Luís', 'Marcos', 'Gabriel', 'Rafael', 'Daniel', 'Marcelo', 'Bruno',
  'Eduardo', 'Felipe', 'Raimundo', 'Rodrigo', 'Sebastião', 'André', 'Fábio', 'Vinícius', 'Caio', 'Otávio', 'Maria', 'Ana', 'Francisca', 'Antônia',
  'Adriana', 'Juliana', 'Márcia', 'Fernanda', 'Patrícia', 'Aline', 'Sandra', 'Camila', 'Amanda', 'Bruna', 'Jéssica', 'Letícia', 'Júlia', 'Luciana',
  'Vanessa', 'Mariana', 'Conceição', 'Lúcia', 'Beatriz', 'Débora', 'Cecília',
];
const SURNAMES = [
  'da Silva', 'dos Santos', 'de Oliveira', 'de Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Ribeiro', 'Carvalho', 'Araújo',
  'Gonçalves', 'Martins', 'Rocha', 'Barbosa', 'Melo', 'Cardoso', 'Nascimento', 'Correia', 'Teixeira', 'Mendes', 'Conceição', 'Castro', 'Azevedo',
  'Simões', 'Magalhães', 'Brandão', 'Falcão', 'Assunção', 'Damião', 'Guimarães', 'Leão', 'Sampaio', 'Mourão', 'Figueiredo', 'Antunes', 'Estêvão',
  'Peçanha', 'Romão', 'Bragança', 'Aragão', 'Galvão', 'Monção', 'Loureiro', 'Quintão', 'Cunha', 'Nóbrega', 'Tavares',
];

const formatCpf = (cpf: string) => `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`;

/** `cpfFromBase(i)` in SQL for a column `i`: the 11-digit text. */
function cpfSql(): string {
  const digit = (k: number) => `substr(b, ${k}, 1)::int`;
  const d1 = `(${Array.from({ length: 9 }, (_, k) => `${digit(k + 1)} * ${10 - k}`).join(' + ')}) % 11`;
  const d2 = `(${Array.from({ length: 9 }, (_, k) => `${digit(k + 1)} * ${11 - k}`).join(' + ')} + c1 * 2) % 11`;
  return `(SELECT b || c1 || (CASE WHEN r2 < 2 THEN 0 ELSE 11 - r2 END)
     FROM (SELECT b, c1, ${d2} AS r2 FROM (SELECT b, CASE WHEN r1 < 2 THEN 0 ELSE 11 - r1 END AS c1 FROM (SELECT b, ${d1} AS r1 FROM (SELECT lpad(i::text, 9, '0') AS b) s0) s1) s2) s3)`;
}

/** base64url of a bytea, without padding (Node's `digest('base64url')`). */
const b64url = (bytes: string) => `rtrim(translate(encode(${bytes}, 'base64'), '+/', '-_'), '=')`;

interface SeedTimes {
  insertMs: number;
  indexMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
}

async function seed(client: pg.Client): Promise<SeedTimes> {
  const started = performance.now();
  await client.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  await client.query('SET synchronous_commit = off');
  await client.query("SET maintenance_work_mem = '512MB'");
  // Secondary indexes (not the primary keys) are rebuilt after the load from their own definitions.
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'public' AND tablename IN ('customer', 'customer_search', 'customer_service', 'subscriber')
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')`,
  );
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);

  const keyPrefix = `k${loginKeyId(LOGIN_HASH_KEY)}.`;
  const firstForms = FIRST_NAMES.map(nameSearchForm);
  const surnameForms = SURNAMES.map(nameSearchForm);
  const f = FIRST_NAMES.length;
  const s = SURNAMES.length;
  const integrationId = randomUUID();
  for (let from = 1; from <= options.customers; from += BATCH) {
    const to = Math.min(options.customers, from + BATCH - 1);
    // $1/$2 first names and their search forms, $3/$4 surnames and theirs; $5 the hash key, $6 its id prefix.
    await client.query(
      `WITH people AS (
         SELECT i, gen_random_uuid() AS id, ${cpfSql()} AS cpf,
                $1::text[] AS fn, $2::text[] AS ff, $3::text[] AS sn, $4::text[] AS sf,
                1 + i % ${f} AS a, 1 + (i / ${f}) % ${s} AS b, 1 + (i / ${f * s} + i) % ${s} AS c,
                now() - make_interval(secs => i) AS at
           FROM generate_series(${from}, ${to}) AS i
       ), keyed AS (
         SELECT p.*, ${b64url(`hmac('cpf_cnpj:' || cpf, $5, 'sha256')`)} AS raw_key,
                split_part(ff[a], ' ', 1) || '.' || i AS login
           FROM people p
       ), customers AS (
         INSERT INTO customer (id, name, name_search, document_type, document_key, document_verifier, document_masked, code, created_at, updated_at)
         SELECT id, fn[a] || ' ' || sn[b] || ' ' || sn[c], ff[a] || ' ' || sf[b] || ' ' || sf[c], 'cpf', $6 || raw_key,
                $6 || 'b1.' || ${b64url(`hmac('pwk:' || raw_key || ':' || ${b64url(`hmac('pw:' || cpf, $5, 'sha256')`)}, $5, 'sha256')`)},
                '***.' || substr(cpf, 4, 3) || '.' || substr(cpf, 7, 3) || '-**', 'C' || lpad(i::text, 8, '0'), at, at
           FROM keyed
         RETURNING id, name_search
       ), searchable AS (
         INSERT INTO customer_search (id, name_search) SELECT id, name_search FROM customers
       ), services AS (
         INSERT INTO customer_service (id, customer_id, status, auth_login, auth_login_key, auth_password_verifier, created_at, updated_at)
         SELECT gen_random_uuid(), id, 'enabled', login, $6 || ${b64url(`hmac('login_autenticacao:' || login, $5, 'sha256')`)},
                $6 || 'b1.' || ${b64url(`hmac('pwk:' || login, $5, 'sha256')`)}, at, at
           FROM keyed
       )
       INSERT INTO subscriber (integration_id, customer_id, subscriber_id, created_at)
       SELECT $7::uuid, id, ${b64url('gen_random_bytes(16)')}, at FROM keyed`,
      [FIRST_NAMES, firstForms, SURNAMES, surnameForms, LOGIN_HASH_KEY, keyPrefix, integrationId],
    );
    log(`seeded ${to.toLocaleString('en')} customers (${Math.round(performance.now() - started)} ms)`);
  }
  const inserted = performance.now();
  for (const index of indexes) {
    const t = performance.now();
    await client.query(index.definition);
    log(`index ${index.name}: ${Math.round(performance.now() - t)} ms`);
  }
  const indexed = performance.now();
  await client.query('VACUUM ANALYZE customer, customer_search, customer_service, subscriber');
  const done = performance.now();
  // For BENCH_DATABASE: the key the document keys were made with, and the size.
  await client.query('CREATE TABLE bench_meta (login_hash_key text NOT NULL, customers integer NOT NULL)');
  await client.query('INSERT INTO bench_meta VALUES ($1, $2)', [LOGIN_HASH_KEY, options.customers]);
  return {
    insertMs: Math.round(inserted - started),
    indexMs: Math.round(indexed - inserted),
    vacuumAnalyzeMs: Math.round(done - indexed),
    totalMs: Math.round(done - started),
  };
}

interface Target {
  readonly i: number;
  readonly id: string;
  readonly name: string;
  readonly nameSearch: string;
  readonly login: string;
  readonly subscriberId: string;
  readonly code: string;
}

async function pickTargets(client: pg.Client, count: number): Promise<Target[]> {
  const codes = Array.from({ length: count }, () => `C${String(randomInt(1, options.customers + 1)).padStart(8, '0')}`);
  const { rows } = await client.query<{ id: string; name: string; name_search: string; auth_login: string; subscriber_id: string; code: string }>(
    `SELECT c.id, c.name, c.name_search, s.auth_login, b.subscriber_id, c.code
       FROM customer c JOIN customer_service s ON s.customer_id = c.id JOIN subscriber b ON b.customer_id = c.id
      WHERE c.code = ANY($1)`,
    [codes],
  );
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return codes.map((code) => {
    const row = byCode.get(code)!;
    return { i: Number(code.slice(1)), id: row.id, name: row.name, nameSearch: row.name_search, login: row.auth_login, subscriberId: row.subscriber_id, code };
  });
}

type Kind = 'name' | 'nameFragment' | 'firstName' | 'document' | 'login' | 'subscriberId' | 'code' | 'baselineLivez' | 'baselineById';

interface Probe {
  readonly kind: Kind;
  readonly path: string;
  /** Whether the answer is right (the target found; every name result holds the term). */
  readonly check: (body: Answer) => boolean;
}

const q = (params: Record<string, string>) => `/v1/customers?${new URLSearchParams({ limit: String(options.page), ...params })}`;
/** The parts of an answer the checks read: a page of customers, or one customer. */
interface Answer {
  readonly items?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly id?: string;
}
const hasTarget = (id: string) => (body: Answer) => body.items?.length === 1 && body.items[0]!.id === id;
/** Every result holds every piece of the term (the target itself may be on a later page). */
const allContain = (term: string) => (body: Answer) =>
  (body.items?.length ?? 0) > 0 && body.items!.every((c) => nameSearchPieces(term).every((piece) => nameSearchForm(c.name).includes(piece)));

function probesFor(target: Target): Probe[] {
  const words = target.nameSearch.split(' ');
  // What an operator types: the first name and the start of the last surname, no accents ("joao nasc"),
  // found in "João da Silva Nascimento" (every word of the term, in any order).
  const last = words[words.length - 1]!;
  const nameTerm = `${words[0]} ${last.slice(0, Math.min(last.length, 4))}`;
  // A surname fragment alone ("raujo"): thousands of customers have it; the first page is asked.
  const fragment = last.length > 5 ? last.slice(1, 6) : last;
  const cpf = cpfFromBase(target.i);
  return [
    { kind: 'name', path: q({ name: nameTerm }), check: allContain(nameTerm) },
    { kind: 'nameFragment', path: q({ name: fragment }), check: allContain(fragment) },
    // A first name alone ("raimundo"): 1 customer in 50, all together in the name order.
    { kind: 'firstName', path: q({ name: words[0]! }), check: allContain(words[0]!) },
    { kind: 'document', path: q({ document: target.i % 2 === 0 ? formatCpf(cpf) : cpf }), check: hasTarget(target.id) },
    { kind: 'login', path: q({ login: target.login }), check: hasTarget(target.id) },
    { kind: 'subscriberId', path: q({ subscriberId: target.subscriberId }), check: hasTarget(target.id) },
    { kind: 'code', path: q({ code: target.code }), check: hasTarget(target.id) },
    { kind: 'baselineLivez', path: '/livez', check: () => true },
    { kind: 'baselineById', path: `/v1/customers/${target.id}`, check: (body) => body?.id === target.id },
  ];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function measure(baseUrl: string, probes: readonly Probe[]) {
  const times = new Map<Kind, number[]>();
  const wrong = new Map<Kind, number>();
  const statuses: Record<string, number> = {};
  const failed: string[] = [];
  for (const probe of probes) {
    const t = performance.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${baseUrl}${probe.path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      text = await response.text();
    } catch (error) {
      // A request that got no answer (the connection closed): counted, not timed.
      failed.push(`${probe.kind}: ${String((error as Error).cause ?? error)}`);
      continue;
    }
    const elapsed = performance.now() - t;
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const body = (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Answer;
    if (response.status !== 200 || !probe.check(body)) wrong.set(probe.kind, (wrong.get(probe.kind) ?? 0) + 1);
    times.set(probe.kind, [...(times.get(probe.kind) ?? []), elapsed]);
  }
  return { times, wrong, statuses, failed };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(0, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function main(): Promise<void> {
  const database = options.reuse ?? `bench_search_${randomBytes(4).toString('hex')}`;
  const url = new URL(options.databaseUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const prefix = uniqueNatsPrefix();
  let service: Child | undefined;
  try {
    let seedTimes: SeedTimes | 'reused';
    if (options.reuse) {
      // The seed's key and size, kept in the database by the run that seeded it.
      const meta = await withClient(databaseUrl, (client) => client.query<{ login_hash_key: string; customers: number }>('SELECT login_hash_key, customers FROM bench_meta'));
      LOGIN_HASH_KEY = meta.rows[0]!.login_hash_key;
      options.customers = meta.rows[0]!.customers;
      seedTimes = 'reused';
      log(`reusing database ${database}, ${options.customers.toLocaleString('en')} customers`);
    } else {
      log(`database ${database}, ${options.customers.toLocaleString('en')} customers`);
      await ensureDatabase(databaseUrl);
      await applyMigrations({ url: databaseUrl, migrationsDir });
      seedTimes = await withClient(databaseUrl, seed);
      log(`seeded in ${seedTimes.totalMs} ms`);
    }

    const { targets, sample } = await withClient(databaseUrl, async (client) => {
      const targets = await pickTargets(client, options.searches);
      const { rows } = await client.query<{ name: string; name_search: string }>('SELECT name, name_search FROM customer TABLESAMPLE SYSTEM (1) LIMIT 2000');
      return { targets, sample: rows };
    });
    // The seed's search forms were joined in SQL from the app's forms of each word: they must be the app's form of the whole name.
    const formMismatches = sample.filter((row) => nameSearchForm(row.name) !== row.name_search).length;

    const port = await freePort();
    service = runTs('apps/subscriptions/src/main.ts', {
      ...env,
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      NATS_URL: options.natsUrl,
      BUS_PREFIX: prefix,
      SUBSCRIPTIONS_HOST: '127.0.0.1',
      SUBSCRIPTIONS_PORT: String(port),
      SUBSCRIPTIONS_DATABASE_URL: databaseUrl,
      SUBSCRIPTIONS_API_KEYS: API_KEY,
      SUBSCRIPTIONS_RATE_LIMIT_PER_MINUTE: '0',
      LOGIN_HASH_KEY,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    while ((await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline || service.process.exitCode !== null) throw new Error('subscriptions did not get ready within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // Warm-up (connections, JIT, caches): 20 of each kind, not counted.
    const warmUp = await measure(baseUrl, shuffle(targets.slice(0, 20).flatMap(probesFor)));
    log(`measuring ${targets.length} searches of each kind, one at a time`);
    const loadBefore = loadavg()[0]!;
    const run = await measure(baseUrl, shuffle(targets.flatMap(probesFor)));
    const loadAfter = loadavg()[0]!;

    const stats = (kind: Kind) => {
      const sorted = [...(run.times.get(kind) ?? [])].sort((a, b) => a - b);
      return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? Number.NaN), wrongAnswers: run.wrong.get(kind) ?? 0 };
    };
    const livez = stats('baselineLivez');
    const byId = stats('baselineById');
    const kinds: Kind[] = ['name', 'nameFragment', 'firstName', 'document', 'login', 'subscriberId', 'code'];
    const searches = Object.fromEntries(
      kinds.map((kind) => {
        const s = stats(kind);
        return [kind, { ...s, p95OverLivez: round(s.p95 / livez.p95), p95OverById: round(s.p95 / byId.p95) }];
      }),
    );
    // The issue's target: name (partial, unaccented), document and login searches.
    const worstP95 = Math.max(...(['name', 'document', 'login'] as const).map((kind) => stats(kind).p95));
    const report = {
      benchmark: 'customer-search',
      customers: options.customers,
      searchesPerKind: options.searches,
      pageSize: options.page,
      concurrency: 1,
      seed: { ...(seedTimes === 'reused' ? { reused: database } : seedTimes), searchFormMismatchesInSample: formMismatches, sampled: sample.length },
      target: { p95Ms: 100, of: ['name', 'document', 'login'], worstP95Ms: worstP95, met: worstP95 <= 100 },
      searches,
      baselines: { livez, byId },
      statuses: run.statuses,
      unanswered: { count: run.failed.length, first: run.failed.slice(0, 5), warmUp: warmUp.failed.length },
      serviceWarnings: service.lines.filter((line) => Number(line.level) >= 40).slice(0, 5),
      examples: { name: probesFor(targets[0]!)[0]!.path, nameFragment: probesFor(targets[0]!)[1]!.path },
      machine: { note: 'shared 2-core machine; other work may run at the same time', loadAverage1m: { before: round(loadBefore), after: round(loadAfter) } },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await service?.stop().catch(() => undefined);
    await deleteRunStreams(options.natsUrl, prefix).catch((error) => log(`could not delete streams: ${String(error)}`));
    if (options.keep || options.reuse) log(`kept database ${database}`);
    else {
      await withClient(options.databaseUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }).catch((error) => log(`could not drop ${database}: ${String(error)}`));
      log(`dropped ${database}`);
    }
  }
}

await main();
