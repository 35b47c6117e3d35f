import { createHttpApp, createLogger } from '@sva/service-kit';

/**
 * The service for `overload.ts`, run as its own process: the service kit's app with an operator
 * route that spends `BENCH_WORK_MS` of CPU per request (a query's worth of work done in process),
 * load shedding on or off (`BENCH_SHEDDING`), thresholds from `BENCH_MAX_EVENT_LOOP_DELAY_MS` and
 * `BENCH_MAX_EVENT_LOOP_UTILIZATION`.
 */
const workMs = Number(process.env.BENCH_WORK_MS ?? 2);
const shedding = process.env.BENCH_SHEDDING === 'true';
const { app } = createHttpApp({
  name: 'overload',
  version: '1',
  logger: createLogger({ name: 'overload', level: 'warn' }),
  readiness: async () => ({ ready: true, checks: {} }),
  http: {
    trustProxy: false,
    rateLimitPerMinute: 0,
    overload: shedding
      ? { maxEventLoopDelayMs: Number(process.env.BENCH_MAX_EVENT_LOOP_DELAY_MS ?? 100), maxEventLoopUtilization: Number(process.env.BENCH_MAX_EVENT_LOOP_UTILIZATION ?? 0.9) }
      : { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 },
  },
});
app.get('/v1/work', async () => {
  const until = performance.now() + workMs;
  let spins = 0;
  while (performance.now() < until) spins += 1;
  return { spins };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
