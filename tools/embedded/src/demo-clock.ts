import { JobRegistry, MovableClock, type JobOutcome } from '@sva/kernel';
import { createHttpApp, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import { z } from 'zod';

/**
 * The demo clock (`npm start -- --demo-clock`): one movable clock shared by the four services,
 * and the time-driven jobs they registered (trial sweep, daily evaluation, trust-unblock
 * expiry), run at once each time an operator moves the clock.
 */
export interface DemoClock {
  readonly clock: MovableClock;
  readonly jobs: JobRegistry;
}

export function createDemoClock(): DemoClock {
  return { clock: new MovableClock(), jobs: new JobRegistry() };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const URL_VARIABLES = ['NATS_URL', 'CATALOG_DATABASE_URL', 'SUBSCRIPTIONS_DATABASE_URL', 'BILLING_DATABASE_URL', 'GATEWAY_PUBLIC_URL', 'NEO_BASE_URL'] as const;

/**
 * Why the demo clock must not run with this environment, or undefined when it may. A
 * production-looking configuration is refused: `NODE_ENV=production`, or any bus, database,
 * public or platform URL pointing beyond this machine (moving time there would expire real
 * trials and suspend real customers).
 */
export function demoClockRefusal(env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_ENV === 'production') return 'NODE_ENV is production';
  for (const variable of URL_VARIABLES) {
    const value = env[variable];
    if (!value) continue;
    for (const server of value.split(',')) {
      let host: string;
      try {
        host = new URL(server.includes('://') ? server : `nats://${server}`).hostname;
      } catch {
        return `${variable} is not a URL`;
      }
      if (!LOOPBACK.has(host)) return `${variable} points at ${host}, not this machine`;
    }
  }
  return undefined;
}

const MINUTE_MS = 60_000;
const AdvanceBody = z
  .object({
    days: z.number().int().min(0).max(366).optional(),
    hours: z.number().int().min(0).max(24 * 366).optional(),
    minutes: z.number().int().min(0).max(60 * 24 * 366).optional(),
  })
  .strict()
  .refine((body) => (body.days ?? 0) + (body.hours ?? 0) + (body.minutes ?? 0) > 0, { message: 'give days, hours or minutes (more than 0 in all)', path: ['days'] });
const ClockResource = z.object({
  now: z.iso.datetime().describe('The demo clock’s time (UTC).'),
  aheadOfRealTimeMs: z.number().int().describe('How far the clock is ahead of real time.'),
});
const AdvanceResource = ClockResource.extend({
  jobs: z.array(z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional() })).describe('The time-driven jobs run on the new time, in order.'),
});

const clockResource = (demo: DemoClock) => ({ now: demo.clock.now().toISOString(), aheadOfRealTimeMs: demo.clock.offsetMs });

/** The operator API of the demo clock (`GET /v1/demo-clock`, `POST /v1/demo-clock/advance`), behind the operator API key. */
export function buildDemoClockService(demo: DemoClock, options: { host: string; port: number; apiKeys: readonly string[]; logger: Logger }): Service {
  const { app, lifecycle } = createHttpApp({
    name: 'demo-clock',
    version: '0.1.0',
    description: 'The embedded system’s demo clock: move time forward and run every time-driven job at once. Never in production.',
    logger: options.logger,
    readiness: readinessOf({}),
    tags: { 'demo-clock': 'The demo clock (embedded mode with --demo-clock only).' },
    apiKeys: options.apiKeys,
  });
  app.get('/v1/demo-clock', {
    schema: { tags: ['demo-clock'], summary: 'The demo clock’s time', response: { 200: ClockResource } },
  }, async () => clockResource(demo));
  app.post('/v1/demo-clock/advance', {
    schema: {
      tags: ['demo-clock'],
      summary: 'Move the demo clock forward and run every time-driven job at once',
      description: 'Trial sweep (R11), daily evaluation and trust-unblock expiry (R16) run on the new time before the answer; the gateway follows a moment later, through the bus.',
      body: AdvanceBody,
      response: { 200: AdvanceResource },
    },
  }, async (request) => {
    const { days = 0, hours = 0, minutes = 0 } = request.body;
    demo.clock.advance(((days * 24 + hours) * 60 + minutes) * MINUTE_MS);
    const jobs: JobOutcome[] = await demo.jobs.runAll();
    for (const job of jobs) if (!job.ok) request.log.error({ job: job.name, error: job.error }, 'demo clock: a job failed');
    return { ...clockResource(demo), jobs };
  });
  return serviceHost({ name: 'demo-clock', logger: options.logger, http: { app, lifecycle, host: options.host, port: options.port } });
}
