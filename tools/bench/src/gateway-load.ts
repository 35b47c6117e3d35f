import autocannon from 'autocannon';
import { cpuMs, pidOf } from './gateway-processes.ts';

/** The local NATS server, when there is one: its CPU per request shows what publishing (the gateway's audit) costs the machine. */
const natsPid = pidOf('nats-server');

/** One load run: what autocannon measured. */
export interface LoadResult {
  readonly label: string;
  /** Mean requests per second over the measured period. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /**
   * CPU the server process spent per request (user + system, µs). Unlike throughput it hardly
   * depends on what else runs on the machine: the fairer comparison on a shared box.
   */
  readonly cpuMicrosPerRequest: number;
  /** CPU the local NATS server spent per request meanwhile (NaN without a local server). */
  readonly natsCpuMicrosPerRequest: number;
}

export interface LoadSpec {
  readonly label: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  /** Request paths (GET) or bodies (POST), cycled through so each request differs. */
  readonly paths: readonly string[];
  readonly bodies?: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** The server's process id, to measure its CPU time. */
  readonly pid: number;
}

function run(spec: LoadSpec, durationSeconds: number): Promise<autocannon.Result> {
  let next = 0;
  const headers = spec.method === 'POST' ? { 'content-type': 'application/json' } : {};
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: durationSeconds,
    pipelining: 1,
    requests: [
      {
        method: spec.method,
        headers,
        setupRequest: (request) => {
          const i = next++;
          request.path = spec.paths[i % spec.paths.length]!;
          if (spec.bodies) request.body = spec.bodies[i % spec.bodies.length]!;
          return request;
        },
      },
    ],
  });
}

/**
 * Run autocannon against one target: a warm-up (discarded: JIT, connection set-up), then the
 * measured period. The same request-varying set-up runs for the gateway and for its baseline, so
 * the load generator costs both the same.
 */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
  const cpuBefore = cpuMs(spec.pid);
  const natsBefore = natsPid === undefined ? 0 : cpuMs(natsPid);
  const result = await run(spec, spec.durationSeconds);
  const cpu = cpuMs(spec.pid) - cpuBefore;
  const natsCpu = natsPid === undefined ? Number.NaN : cpuMs(natsPid) - natsBefore;
  return {
    label: spec.label,
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMicrosPerRequest: Math.round((cpu * 1000 * 10) / Math.max(1, result.requests.total)) / 10,
    natsCpuMicrosPerRequest: Math.round((natsCpu * 1000 * 10) / Math.max(1, result.requests.total)) / 10,
  };
}

/**
 * The best of some runs by throughput (its p99 with it). On a shared machine other work only
 * ever slows a run down, so the best run is the least disturbed one — for the gateway and for its
 * baseline alike.
 */
export function best(results: readonly LoadResult[]): LoadResult {
  return [...results].sort((a, b) => b.rps - a.rps)[0]!;
}
