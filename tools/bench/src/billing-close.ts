/**
 * Benchmark: closing a competência and exporting it at scale (issue 14, R18–R20). Seeds 1M
 * customer services with packages in subscriptions's database (bulk SQL, `billing-close-seed.ts`:
 * full-month, mid-month prorated, price-overridden, trial, benefit and suspended-on-request
 * attachments), starts subscriptions as its own process on real PostgreSQL and NATS, closes the
 * month through the API and exports it as NDJSON and CSV, sampling the service's memory.
 *
 *   npm run bench:close -w @sva/bench
 *
 * Each figure is set beside a baseline measured in the same run, on the same rows:
 * - close: PostgreSQL alone copying the rows the close wrote (its lines and outbox messages) into
 *   tables of the same shape and indexes, in one transaction (`INSERT … SELECT`): the floor of the
 *   write the close cannot avoid;
 * - export: PostgreSQL writing the same NDJSON (the export's COPY) straight to this process: the
 *   floor of an export PostgreSQL formats; and, for comparison, this process reading the lines
 *   with node-postgres (keyset pages of 5,000) and writing each as JSON (the design before COPY).
 *
 * Prints one JSON report on stdout (progress on stderr). Environment: DATABASE_URL, NATS_URL,
 * BENCH_CUSTOMERS (1000000), BENCH_TIMEOUT_MS (900000), BENCH_KEEP=1. Not part of `npm test`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loginKeyId } from '@sva/contracts';
import { applyMigrations, withDatabaseName } from '@sva/db';
import { closedLinesCopy, migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { to as copyTo } from 'pg-copy-streams';
import { deleteRunStreams, freePort } from '@sva/testing';
import { cpuSeconds, cpuSecondsOf, ready, rssMb, runSql, runBenchmark, ServiceProcesses, withClient } from './bench-kit.ts';
import { expectedLines, seedClose } from './billing-close-seed.ts';

const env = process.env;
const options = {
  customers: Number(env.BENCH_CUSTOMERS ?? 1_000_000),
  timeoutMs: Number(env.BENCH_TIMEOUT_MS ?? 900_000),
  keep: env.BENCH_KEEP === '1',
  databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  targets: { closeMs: 60_000, exportLinesPerSecond: 100_000 },
};

const log = (message: string) => process.stderr.write(`[bench:close ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const run = randomBytes(3).toString('hex');
const prefix = `bench${run}.`;
const logDir = path.join(tmpdir(), `sva-bench-${run}`);
const database = `bench_close_${run}`;
const url = withDatabaseName(options.databaseUrl, database);
const apiKey = randomBytes(32).toString('base64url');
const loginHashKey = randomBytes(32).toString('base64url');
const services = new ServiceProcesses(logDir, { ...env, LOG_LEVEL: 'warn', NATS_URL: options.natsUrl, BUS_PREFIX: prefix }, log);

/** The month before the current one (UTC): ended in every time zone a provider uses. */
function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** Samples a process's RSS every 100 ms until stopped: the first, last and highest reading. */
function sampleRss(pid: number | undefined) {
  const readings: number[] = [];
  const take = () => {
    const mb = rssMb(pid);
    if (mb !== null) readings.push(mb);
  };
  take();
  const timer = setInterval(take, 100);
  return () => {
    clearInterval(timer);
    take();
    return { startMb: readings[0] ?? null, endMb: readings[readings.length - 1] ?? null, maxMb: readings.length ? Math.max(...readings) : null, samples: readings.length };
  };
}

/** Streams an export, counting its lines and bytes; the body is dropped as it arrives. */
async function download(exportUrl: string, pid: number | undefined) {
  const stopRss = sampleRss(pid);
  const t = performance.now();
  const response = await fetch(exportUrl, { headers: { authorization: `Bearer ${apiKey}` } });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs: number | null = null;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    firstByteMs ??= performance.now() - t;
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const ms = performance.now() - t;
  return { ms: Math.round(ms), firstByteMs: firstByteMs === null ? null : Math.round(firstByteMs), lines, megabytes: Math.round(bytes / 1e5) / 10, linesPerSecond: Math.round(lines / (ms / 1000)), serviceRss: stopRss() };
}

/**
 * The export's floor: PostgreSQL writing the same NDJSON (the export's own COPY) straight to this
 * process, with no HTTP and no service between.
 */
async function copyFloor(period: string) {
  return withClient(url, async (client) => {
    const t = performance.now();
    let bytes = 0;
    let lines = 0;
    for await (const chunk of client.query(copyTo(closedLinesCopy(period, 'ndjson'))) as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    const ms = performance.now() - t;
    return { ms: Math.round(ms), lines, megabytes: Math.round(bytes / 1e5) / 10, linesPerSecond: Math.round(lines / (ms / 1000)) };
  });
}

/** The export before COPY, for comparison: the same lines read with node-postgres in keyset pages, each written as JSON. */
async function exportFloor(period: string) {
  return withClient(url, async (client) => {
    const t = performance.now();
    let lines = 0;
    let bytes = 0;
    let after: [string, string] = ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'];
    for (;;) {
      const { rows } = await client.query(
        'SELECT * FROM billing_line WHERE period = $1 AND (customer_id, id) > ($2::uuid, $3::uuid) ORDER BY customer_id, id LIMIT 5000',
        [period, ...after],
      );
      for (const row of rows) {
        bytes += Buffer.byteLength(`${JSON.stringify(row)}\n`);
        lines++;
      }
      if (rows.length < 5000) break;
      const last = rows[rows.length - 1];
      after = [last.customer_id, last.id];
    }
    const ms = performance.now() - t;
    return { ms: Math.round(ms), lines, megabytes: Math.round(bytes / 1e5) / 10, linesPerSecond: Math.round(lines / (ms / 1000)) };
  });
}

/** The close's floor: PostgreSQL copying the rows the close wrote into tables of the same shape and indexes, in one transaction. */
async function closeFloor(period: string) {
  return withClient(url, async (client) => {
    await client.query('CREATE TABLE floor_line (LIKE billing_line INCLUDING ALL)');
    await client.query('CREATE TABLE floor_outbox (LIKE outbox_message INCLUDING ALL)');
    const t = performance.now();
    await client.query('BEGIN');
    const lines = await client.query('INSERT INTO floor_line SELECT * FROM billing_line WHERE period = $1', [period]);
    const outbox = await client.query(`INSERT INTO floor_outbox SELECT * FROM outbox_message WHERE destination LIKE '%billing%'`);
    await client.query('COMMIT');
    const ms = performance.now() - t;
    await client.query('DROP TABLE floor_line, floor_outbox');
    return { ms: Math.round(ms), lines: lines.rowCount, outboxMessages: outbox.rowCount };
  });
}

async function cleanup(): Promise<void> {
  await services.stopAll();
  if (options.keep) {
    log(`kept database ${database} and NATS prefix ${prefix}`);
    return;
  }
  await runSql(options.databaseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await deleteRunStreams(options.natsUrl, prefix);
}

async function main() {
  mkdirSync(logDir, { recursive: true });
  const period = lastMonth();
  log(`run ${run}: ${options.customers} customer services, competência ${period}; logs in ${logDir}`);

  // 1. The database, migrated and seeded in bulk.
  const seedStarted = performance.now();
  await runSql(options.databaseUrl, `CREATE DATABASE ${database}`);
  await applyMigrations({ url, migrationsDir: subscriptionsMigrations });
  const seeded = await withClient(url, (client) => seedClose(client, { customers: options.customers, period, loginKeyId: loginKeyId(loginHashKey) }));
  const seedMs = Math.round(performance.now() - seedStarted);
  log(`seeded ${seeded.services} services, ${seeded.attachments} attachments, ${seeded.historyEntries} history entries in ${seedMs} ms`);

  // 2. subscriptions, in its own process.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = services.start('subscriptions', {
    SUBSCRIPTIONS_PORT: String(port),
    SUBSCRIPTIONS_HOST: '127.0.0.1',
    SUBSCRIPTIONS_DATABASE_URL: url,
    SUBSCRIPTIONS_API_KEYS: apiKey,
    LOGIN_HASH_KEY: loginHashKey,
  });
  await ready('subscriptions', base, 300_000, logDir);
  log('subscriptions ready');

  // 3. Close the month.
  const cpu = () => ({ subscriptions: cpuSeconds(service.pid), postgresAllDatabases: cpuSecondsOf('postgres') });
  const cpuBefore = cpu();
  const load = loadavg()[0]!;
  const stopRss = sampleRss(service.pid);
  const closeStarted = performance.now();
  const accepted = await fetch(`${base}/v1/billing/periods/${period}/close`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
    body: '{}',
  });
  if (accepted.status !== 202) throw new Error(`close answered ${accepted.status}: ${await accepted.text()}`);
  const acceptedMs = Math.round(performance.now() - closeStarted);
  // The close runs as a job: poll the period until it is closed.
  let closeBody: { status?: string; totals?: { lines: number; billableLines: number; billableCents: number } } = {};
  for (let polls = 0; closeBody.status !== 'closed'; polls++) {
    if (performance.now() - closeStarted > options.timeoutMs) throw new Error(`the close did not finish in ${options.timeoutMs} ms: ${JSON.stringify(closeBody)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await fetch(`${base}/v1/billing/periods/${period}`, { headers: { authorization: `Bearer ${apiKey}` } });
    closeBody = (await answer.json()) as typeof closeBody;
    if (polls % 50 === 49) log(`closing: ${closeBody.totals?.lines ?? 0} lines written`);
  }
  const closeMs = Math.round(performance.now() - closeStarted);
  const closeRss = stopRss();
  const cpuAfter = cpu();
  if (!closeBody.totals) throw new Error(`the closed period has no totals: ${JSON.stringify(closeBody)}`);
  log(`closed in ${closeMs} ms: ${JSON.stringify(closeBody.totals)}`);

  // 4. The relay puts the lines on the stream after the close committed.
  const relayStarted = performance.now();
  let relayMs: number | null = null;
  // Lines go on the bus from billing_line (the period records how far); the period event through the outbox.
  const unpublished = () =>
    withClient(url, async (client) => {
      const { rows } = await client.query(
        `SELECT (SELECT count(*)::int FROM outbox_message WHERE published_at IS NULL) AS outbox,
                (SELECT count(*)::int FROM billing_line l, billing_period p WHERE p.period = $1 AND NOT p.lines_published AND l.period = p.period
                    AND (p.published_customer_id IS NULL OR (l.customer_id, l.id) > (p.published_customer_id, p.published_line_id))) AS lines`,
        [period],
      );
      return Number(rows[0].outbox) + Number(rows[0].lines);
    });
  while (performance.now() - relayStarted < options.timeoutMs) {
    const left = await unpublished();
    if (left === 0) {
      relayMs = Math.round(performance.now() - relayStarted);
      break;
    }
    log(`bus: ${left} messages to publish`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }

  // 5. Exports and their floor.
  const exportUrl = (format: string) => `${base}/v1/billing/periods/${period}/export?format=${format}`;
  const ndjson = await download(exportUrl('ndjson'), service.pid);
  log(`ndjson export: ${JSON.stringify(ndjson)}`);
  const csv = await download(exportUrl('csv'), service.pid);
  log(`csv export: ${JSON.stringify(csv)}`);
  const floorCopy = await copyFloor(period);
  log(`export floor (COPY to this process): ${JSON.stringify(floorCopy)}`);
  const floorExport = await exportFloor(period);
  log(`rows read and written as JSON in this process: ${JSON.stringify(floorExport)}`);
  const floorClose = await closeFloor(period);
  log(`close floor: ${JSON.stringify(floorClose)}`);

  const report = {
    benchmark: 'billing-close',
    description: 'Close a competência of 1M customer services with packages through the API, then export it (NDJSON, CSV), against floors measured on the same rows in the same run.',
    run,
    period,
    customers: options.customers,
    seeded,
    result: {
      closeMs,
      closeTargetMs: options.targets.closeMs,
      closeAcceptedMs: acceptedMs,
      closeWithinTarget: closeMs <= options.targets.closeMs,
      closeOverFloor: Math.round((closeMs / floorClose.ms) * 100) / 100,
      ndjsonLinesPerSecond: ndjson.linesPerSecond,
      csvLinesPerSecond: csv.linesPerSecond,
      exportTargetLinesPerSecond: options.targets.exportLinesPerSecond,
      exportWithinTarget: Math.min(ndjson.linesPerSecond, csv.linesPerSecond) >= options.targets.exportLinesPerSecond,
      ndjsonOverFloor: Math.round((ndjson.linesPerSecond / floorCopy.linesPerSecond) * 100) / 100,
      ndjsonOverRowsAsJson: Math.round((ndjson.linesPerSecond / floorExport.linesPerSecond) * 100) / 100,
      linesAsExpected: closeBody.totals.lines === expectedLines(options.customers) && ndjson.lines === closeBody.totals.lines && csv.lines === closeBody.totals.lines + 1,
    },
    close: {
      totals: closeBody.totals,
      expectedLines: expectedLines(options.customers),
      serviceRss: closeRss,
      cpuSeconds: {
        subscriptions: cpuAfter.subscriptions !== null && cpuBefore.subscriptions !== null ? Math.round((cpuAfter.subscriptions - cpuBefore.subscriptions) * 10) / 10 : null,
        postgresAllDatabases: cpuAfter.postgresAllDatabases !== null && cpuBefore.postgresAllDatabases !== null ? Math.round((cpuAfter.postgresAllDatabases - cpuBefore.postgresAllDatabases) * 10) / 10 : null,
      },
      relayToStreamMsAfterClose: relayMs,
      floor: floorClose,
    },
    export: { ndjson, csv, floor: floorCopy, rowsAsJsonInProcess: floorExport, note: 'csv lines include its header; RSS is the subscriptions process, sampled every 100 ms' },
    loadAverage1m: { before: load, after: loadavg()[0] },
    setup: { seedMs },
    machine: { cpus: cpus().length, node: process.version, databaseUrl: options.databaseUrl.replace(/\/\/[^@]*@/, '//'), natsUrl: options.natsUrl },
    logs: logDir,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await runBenchmark(main, cleanup, log);
