import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { type Bus, connectNatsBus, encodeJson } from '@sva/bus';
import { buckets, entitlementKey } from '@sva/contracts';
import { deleteRunStreams, freePort } from '@sva/testing';
import { freshnessThroughKv, freshnessThroughOutbox, type FreshnessResult } from './gateway-freshness.ts';
import { best, load, type LoadResult, type LoadSpec } from './gateway-load.ts';
import { type Child, rssMb, runTs, waitForOk, watchRss } from './gateway-processes.ts';
import { BENCH_HASH_KEY, BENCH_INTEGRATION_ID, BENCH_SECRET, cpfOf, customerIdOf, entitlementOf, integrationRecord, sampleOf, subscriberIdOf } from './gateway-records.ts';

/**
 * `npm run bench:gateway` (from tools/bench): the NEO gateway's performance targets (issue 7),
 * measured on this machine in one run, each against a baseline measured in the same run, printed
 * as one JSON document on stdout (progress goes to stderr).
 *
 * 1. Seed N subscribers (default 1,000,000) into the `entitlements` bucket on NATS (a private prefix).
 * 2. A first gateway replays every key and writes a view snapshot; a fresh gateway then starts
 *    from it: time to ready (process start → /readyz 200) and the view's own bootstrap time.
 * 3. The fresh gateway's RSS (its own process; the load generator is this process).
 * 4. autocannon, C connections (default 50): authorise vs a bare fastify GET hello-world, identify
 *    vs a bare fastify POST parsing the same bodies; best of R rounds each (default 4), and the median of the per-round ratios; p99 ratios.
 * 5. Freshness: a change written as the outbox relay writes it (and, with PostgreSQL, committed
 *    through a real outbox and relay) until the gateway answers the new state.
 *
 * Environment: NATS_URL (nats://127.0.0.1:4222), DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres;
 * `none` skips the outbox path), GATEWAY_BENCH_SUBSCRIBERS, GATEWAY_BENCH_CONNECTIONS,
 * GATEWAY_BENCH_DURATION (seconds per measured run, 10), GATEWAY_BENCH_WARMUP (3), GATEWAY_BENCH_ROUNDS (4),
 * GATEWAY_BENCH_FRESHNESS_SAMPLES (200), GATEWAY_BENCH_NODE_ARGS (node flags for the gateway process only, e.g. `--cpu-prof`). Seeding a million keys takes minutes: GATEWAY_BENCH_KEEP=true
 * leaves them on NATS, and GATEWAY_BENCH_PREFIX=<the prefix printed> reuses them in the next run.
 */

const env = process.env;
const natsUrl = env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const databaseUrl = env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const subscribers = Number(env['GATEWAY_BENCH_SUBSCRIBERS'] ?? 1_000_000);
const connections = Number(env['GATEWAY_BENCH_CONNECTIONS'] ?? 50);
const durationSeconds = Number(env['GATEWAY_BENCH_DURATION'] ?? 10);
const warmupSeconds = Number(env['GATEWAY_BENCH_WARMUP'] ?? 3);
const rounds = Number(env['GATEWAY_BENCH_ROUNDS'] ?? 4);
const freshnessSamples = Number(env['GATEWAY_BENCH_FRESHNESS_SAMPLES'] ?? 200);
/** Reuse the subscribers an earlier run seeded (with GATEWAY_BENCH_KEEP=true) under this prefix. */
const reusePrefix = env['GATEWAY_BENCH_PREFIX'];
const keep = env['GATEWAY_BENCH_KEEP'] === 'true';
const prefix = reusePrefix ?? `gwbench${randomBytes(3).toString('hex')}.`;

const log = (message: string, fields: Record<string, unknown> = {}) => process.stderr.write(`[bench:gateway] ${message} ${JSON.stringify(fields)}\n`);
const round2 = (value: number) => Math.round(value * 100) / 100;

async function seed(bus: Bus): Promise<{ seconds: number; keysPerSecond: number; reused?: boolean }> {
  const started = performance.now();
  if (reusePrefix) {
    const status = await (await bus.kv({ bucket: buckets.entitlements })).status();
    if (status.entries >= subscribers) {
      // The first replica must replay every key again, so the snapshot a former run left goes.
      await (await bus.objects({ bucket: 'gateway-snapshots' })).delete('entitlements.v1');
      return { seconds: 0, keysPerSecond: 0, reused: true };
    }
  }
  const integrations = await bus.kv({ bucket: buckets.gatewayIntegrations });
  await integrations.put(BENCH_INTEGRATION_ID, encodeJson(integrationRecord()));
  const kv = await bus.kv({ bucket: buckets.entitlements });
  let next = 0;
  const worker = async () => {
    while (next < subscribers) {
      const n = next++;
      await kv.put(entitlementKey(BENCH_INTEGRATION_ID, customerIdOf(n)), encodeJson(entitlementOf(n)));
      if (n % 100_000 === 0) log('seeding', { n });
    }
  };
  await Promise.all(Array.from({ length: 1_000 }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round2(seconds), keysPerSecond: Math.round(subscribers / seconds) };
}

function startGateway(port: number, snapshotIntervalSeconds: number): Child {
  return runTs('apps/neo-gateway/src/main.ts', {
    PATH: env['PATH'],
    NATS_URL: natsUrl,
    BUS_PREFIX: prefix,
    LOGIN_HASH_KEY: BENCH_HASH_KEY,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    GATEWAY_SNAPSHOT_INTERVAL_SECONDS: String(snapshotIntervalSeconds),
    GATEWAY_ID: `bench-${port}`,
    LOG_LEVEL: 'info',
  // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the gateway spends its time under load.
  }, (env['GATEWAY_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean));
}

const isMessage = (message: string) => (line: Record<string, unknown>) => line['msg'] === message;

/** Median over rounds of gateway/baseline throughput within the same round (pairs cancel slow drifts of the machine). */
function medianRoundRatio(gateway: readonly LoadResult[], baseline: readonly LoadResult[]): number {
  const ratios = gateway.map((run, i) => run.rps / Math.max(1, baseline[i]!.rps)).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return Math.round(median * 1000) / 1000;
}

function ratio(value: number, baseline: number): number {
  return Math.round((value / baseline) * 1000) / 1000;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const children: Child[] = [];
  // Should this process die, its gateway and baseline die with it.
  process.once('exit', () => {
    for (const child of children) child.process.kill('SIGKILL');
  });
  const bus = await connectNatsBus({ servers: natsUrl, prefix, name: 'bench-gateway', onError: () => {} });
  try {
    log('seeding entitlements', { subscribers, prefix });
    const seeded = await seed(bus);
    log('seeded', seeded);

    // A first replica: no snapshot yet, so it replays every key, then leaves a snapshot behind.
    const firstPort = await freePort();
    const first = startGateway(firstPort, 300);
    children.push(first);
    const replayStarted = performance.now();
    const firstReady = await first.waitForLine(isMessage('view loaded and caught up'), 600_000);
    const replayReadyMs = performance.now() - replayStarted;
    const written = await first.waitForLine(isMessage('view snapshot written'), 120_000);
    log('first replica ready and snapshot written', { replaySeconds: firstReady['seconds'], bytes: written['bytes'], ms: written['ms'] });
    await first.stop();

    // A fresh replica: starts from the snapshot.
    const port = await freePort();
    const spawned = performance.now();
    const fresh = startGateway(port, 3_600);
    children.push(fresh);
    const gatewayUrl = `http://127.0.0.1:${port}`;
    await waitForOk(`${gatewayUrl}/readyz`, 120_000, 10);
    const freshReadyMs = performance.now() - spawned;
    const freshView = await fresh.waitForLine(isMessage('view loaded and caught up'), 10_000);
    const snapshotLoaded = fresh.lines.find(isMessage('view snapshot loaded'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfterReady = rssMb(fresh.pid);
    log('fresh replica ready', { freshReadyMs: Math.round(freshReadyMs), view: freshView, rssAfterReady });

    // Correctness before speed: a sample answers as seeded.
    const sample = sampleOf(subscribers, 20_000);
    const callback = `/v1/callback/${BENCH_INTEGRATION_ID}/${BENCH_SECRET}`;
    for (const n of sample.slice(0, 20)) {
      const answer = (await (await fetch(`${gatewayUrl}${callback}/authorise?subscriber_id=${subscriberIdOf(n)}&product=mumo`)).json()) as { allowed: boolean };
      const who = (await (await fetch(`${gatewayUrl}${callback}/identify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: cpfOf(n), password: cpfOf(n) }) })).json()) as { subscriber_id?: string };
      if (!answer.allowed || who.subscriber_id !== subscriberIdOf(n)) throw new Error(`customer ${n} is not answered as seeded: ${JSON.stringify({ answer, who })}`);
    }

    const baseline = runTs('tools/bench/src/gateway-baseline.ts', { PATH: env['PATH'] });
    children.push(baseline);
    const baselineUrl = String((await baseline.waitForLine((line) => typeof line['url'] === 'string', 30_000))['url']);
    const floor = runTs('tools/bench/src/gateway-floor.ts', { PATH: env['PATH'] });
    children.push(floor);
    const floorUrl = String((await floor.waitForLine((line) => typeof line['url'] === 'string', 30_000))['url']);

    const authorisePaths = sample.map((n) => `${callback}/authorise?subscriber_id=${subscriberIdOf(n)}&product=mumo`);
    const helloPaths = sample.map((n) => `/hello?subscriber_id=${subscriberIdOf(n)}&product=mumo`);
    const bodies = sample.map((n) => JSON.stringify({ login: cpfOf(n), password: cpfOf(n) }));
    const common = { connections, durationSeconds, warmupSeconds };
    const runs: Record<'hello' | 'floor' | 'authorise' | 'echo' | 'identify', LoadResult[]> = { hello: [], floor: [], authorise: [], echo: [], identify: [] };
    const rss = watchRss(fresh.pid);
    for (let round = 0; round < rounds; round++) {
      const specs: Array<[keyof typeof runs, LoadSpec]> = [
        ['hello', { ...common, label: 'bare fastify GET hello-world', url: baselineUrl, pid: baseline.pid, method: 'GET', paths: helloPaths }],
        ['floor', { ...common, label: 'service-kit app, authorise-shaped route, prepared answer', url: floorUrl, pid: floor.pid, method: 'GET', paths: authorisePaths }],
        ['authorise', { ...common, label: 'gateway GET authorise', url: gatewayUrl, pid: fresh.pid, method: 'GET', paths: authorisePaths }],
        ['echo', { ...common, label: 'bare fastify POST parsing the body', url: baselineUrl, pid: baseline.pid, method: 'POST', paths: ['/echo'], bodies }],
        ['identify', { ...common, label: 'gateway POST identify', url: gatewayUrl, pid: fresh.pid, method: 'POST', paths: [`${callback}/identify`], bodies }],
      ];
      for (const [key, spec] of specs) {
        const result = await load(spec);
        runs[key].push(result);
        log('load run', { round, ...result });
      }
    }
    const rssPeak = rss.stop();
    const rssAfterLoad = rssMb(fresh.pid);

    const probe = sampleOf(subscribers, freshnessSamples).map((n) => (n * 7 + 13) % subscribers);
    // Versions above any an earlier run over the same data wrote.
    const base = Math.floor(Date.now() / 1000);
    const versions = new Map(probe.map((n) => [n, base]));
    const freshness: FreshnessResult[] = [await freshnessThroughKv(bus, gatewayUrl, probe, versions)];
    log('freshness (kv)', { ...freshness[0]! });
    if (databaseUrl !== 'none') {
      try {
        freshness.push(await freshnessThroughOutbox(databaseUrl, bus, gatewayUrl, probe, versions));
        log('freshness (outbox)', { ...freshness[1]! });
      } catch (error) {
        log('outbox path skipped', { error: String(error) });
      }
    }

    const hello = best(runs.hello);
    const platform = best(runs.floor);
    const authorise = best(runs.authorise);
    const echo = best(runs.echo);
    const identify = best(runs.identify);
    const viewSeconds = Number(freshView['seconds']);
    const worstFreshness = Math.max(...freshness.map((f) => f.p99Ms));
    const report = {
      benchmark: 'neo-gateway',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageBefore: loadBefore.map(round2), loadAverageAfter: loadavg().map(round2) },
      note: 'Load generator (autocannon, this process), gateway, baseline and NATS share this machine; other work on it only lowers figures. Throughput: best of the rounds, for the gateway and its baseline alike (`ok` uses it); medianRoundRatio pairs each gateway run with the baseline run of its round. ratioByCpu compares the CPU each server process spent per request (baseline / gateway), which other load disturbs far less than throughput.',
      settings: { subscribers, connections, durationSeconds, warmupSeconds, rounds, natsUrl, prefix },
      seed: seeded,
      authorise: {
        rps: authorise.rps,
        baselineRps: hello.rps,
        ratio: ratio(authorise.rps, hello.rps),
        medianRoundRatio: medianRoundRatio(runs.authorise, runs.hello),
        target: 0.9,
        ok: authorise.rps >= 0.9 * hello.rps,
        p99Ms: authorise.p99Ms,
        baselineP99Ms: hello.p99Ms,
        p99Ratio: ratio(authorise.p99Ms, hello.p99Ms),
        p99Target: 1.5,
        p99Ok: authorise.p99Ms <= 1.5 * hello.p99Ms,
        cpuMicrosPerRequest: authorise.cpuMicrosPerRequest,
        baselineCpuMicrosPerRequest: hello.cpuMicrosPerRequest,
        ratioByCpu: ratio(hello.cpuMicrosPerRequest, authorise.cpuMicrosPerRequest),
        platformFloor: {
          note: 'the service kit app every service runs, one authorise-shaped route sending a prepared answer: bare fastify → floor is the platform, floor → gateway is the gateway',
          rps: platform.rps,
          cpuMicrosPerRequest: platform.cpuMicrosPerRequest,
          p99Ms: platform.p99Ms,
        },
        runs: { gateway: runs.authorise, baseline: runs.hello, platformFloor: runs.floor },
      },
      identify: {
        rps: identify.rps,
        baselineRps: echo.rps,
        ratio: ratio(identify.rps, echo.rps),
        medianRoundRatio: medianRoundRatio(runs.identify, runs.echo),
        target: 0.8,
        ok: identify.rps >= 0.8 * echo.rps,
        p99Ms: identify.p99Ms,
        baselineP99Ms: echo.p99Ms,
        p99Ratio: ratio(identify.p99Ms, echo.p99Ms),
        p99Target: 1.5,
        p99Ok: identify.p99Ms <= 1.5 * echo.p99Ms,
        cpuMicrosPerRequest: identify.cpuMicrosPerRequest,
        baselineCpuMicrosPerRequest: echo.cpuMicrosPerRequest,
        ratioByCpu: ratio(echo.cpuMicrosPerRequest, identify.cpuMicrosPerRequest),
        runs: { gateway: runs.identify, baseline: runs.echo },
      },
      memory: { rssAfterReadyMb: rssAfterReady, rssPeakDuringLoadMb: rssPeak, rssAfterLoadMb: rssAfterLoad, targetMb: 300, ok: Math.max(rssAfterReady, rssAfterLoad) <= 300 },
      bootstrap: {
        replayOfEveryKey: { viewSeconds: firstReady['seconds'], processStartToReadySeconds: round2(replayReadyMs / 1000), keysPerSecond: Math.round(subscribers / Number(firstReady['seconds'])) },
        snapshot: { bytes: written['bytes'], writeMs: written['ms'] },
        freshReplica: {
          processStartToReadySeconds: round2(freshReadyMs / 1000),
          viewSeconds,
          snapshotLoadMs: snapshotLoaded?.['ms'],
          entriesAfterSnapshot: freshView['entries'],
          targetSeconds: 5,
          ok: freshReadyMs / 1000 <= 5,
        },
      },
      freshness: { results: freshness, p99Ms: worstFreshness, targetMs: 100, ok: worstFreshness <= 100 },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await bus.close();
    if (keep) log('kept the seeded data: rerun with GATEWAY_BENCH_PREFIX', { prefix });
    else await deleteRunStreams(natsUrl, prefix).catch((error: unknown) => log('cleanup failed', { error: String(error) }));
  }
}

await main();
