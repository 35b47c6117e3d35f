import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

/**
 * Load shedding past saturation (issue 11 §4): the same service (`overload-server.ts`, a route
 * costing `BENCH_WORK_MS` of CPU) is driven open-loop at `BENCH_OVERLOAD` × its measured capacity
 * for `BENCH_SECONDS`, once without and once with shedding. Without it every request queues and
 * latency grows for as long as the overload lasts; with it the excess gets 503 + Retry-After at
 * once and the answered requests stay fast. Prints one JSON report (p50/p99 of the 200s, counts
 * per status, the p99 ratio); progress on stderr. Under a minute with the defaults (the run without shedding also drains its queue).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const overloadFactor = Number(process.env.BENCH_OVERLOAD ?? 2);
const workMs = Number(process.env.BENCH_WORK_MS ?? 2);
const say = (message: string) => process.stderr.write(`${message}\n`);

interface Outcome {
  readonly status: number;
  readonly ms: number;
}

async function startServer(shedding: boolean): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./overload-server.ts', import.meta.url).pathname], {
    env: { ...process.env, BENCH_SHEDDING: String(shedding), BENCH_WORK_MS: String(workMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const agent = new Agent({ keepAlive: true, maxSockets: 2_000 });

function call(url: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/v1/work`, { agent, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Requests per second the server answers with a closed loop of 8 callers (its capacity). */
async function capacity(url: string): Promise<number> {
  const until = performance.now() + 2_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < until) {
        await call(url);
        done += 1;
      }
    }),
  );
  return done / 2;
}

/** Open loop: `rate` requests a second for `seconds`, whatever the answers do. */
async function drive(url: string, rate: number): Promise<Outcome[]> {
  const pending: Array<Promise<Outcome>> = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent += 1) pending.push(call(url));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Promise.all(pending);
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

async function run(shedding: boolean, rate?: number) {
  const server = await startServer(shedding);
  try {
    const measured = await capacity(server.url);
    const offered = rate ?? Math.round(measured * overloadFactor);
    say(`${shedding ? 'with' : 'without'} shedding: capacity ≈ ${measured} req/s, offering ${offered} req/s for ${seconds} s`);
    const outcomes = await drive(server.url, offered);
    const answered = outcomes.filter((o) => o.status === 200).map((o) => o.ms);
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    const shed = outcomes.filter((o) => o.status === 503).map((o) => o.ms);
    return {
      shedding,
      capacityPerSecond: measured,
      offeredPerSecond: offered,
      requests: outcomes.length,
      statuses,
      answeredPerSecond: Math.round(answered.length / seconds),
      answeredP50Ms: percentile(answered, 50),
      answeredP99Ms: percentile(answered, 99),
      shedP99Ms: percentile(shed, 99),
    };
  } finally {
    server.stop();
  }
}

const without = await run(false);
const withShedding = await run(true, without.offeredPerSecond);
agent.destroy();
const report = {
  benchmark: 'overload',
  workMsPerRequest: workMs,
  seconds,
  overloadFactor,
  without,
  with: withShedding,
  p99RatioWithoutOverWith: without.answeredP99Ms && withShedding.answeredP99Ms ? Math.round((without.answeredP99Ms / withShedding.answeredP99Ms) * 10) / 10 : null,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
