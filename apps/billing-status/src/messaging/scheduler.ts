import type { Logger, Worker } from '@sva/service-kit';
import type { BillingContext } from '../context.ts';
import { claimEvaluation, endExpiredTrustUnblocks, runClaimedEvaluation, type EvaluationClaim } from '../use-cases/daily-evaluation.ts';

/** The clock-driven side of R16 (see `evaluationScheduler`). */
export interface EvaluationScheduler extends Worker {
  /** Run an evaluation an operator claimed, in the background; `stop` waits for it. */
  launch(claim: EvaluationClaim): void;
  /** Run one tick now (the clock was moved): the due evaluation, then the run-out trust unblocks. */
  runNow(): Promise<void>;
}

/**
 * The clock-driven side of R16, on every replica: each `intervalMs` it runs the daily evaluation
 * when the day's is due and unclaimed (one replica wins the day), then ends trust unblocks that
 * ran out. Time comes from the injected clock, so tests move it by hand. Ticks never overlap; a
 * failed tick is logged and retried on the next.
 */
export function evaluationScheduler(ctx: BillingContext, logger: Logger, intervalMs: number): EvaluationScheduler {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const background = new Set<Promise<void>>();

  const evaluate = async (claim: EvaluationClaim) => {
    const report = await runClaimedEvaluation(ctx, claim);
    if (report) logger.info({ evaluation: report }, 'daily evaluation done');
    else logger.warn({ day: claim.day }, 'daily evaluation taken over by another replica');
  };
  const tick = async () => {
    const claim = await claimEvaluation(ctx, 'schedule');
    if (claim) await evaluate(claim);
    const ended = await endExpiredTrustUnblocks(ctx);
    if (ended > 0) logger.info({ changed: ended }, 'trust unblocks ran out');
  };
  const loop = () => {
    inFlight = tick()
      .catch((error: unknown) => logger.error({ err: error }, 'scheduler tick failed; will retry'))
      .finally(() => {
        inFlight = undefined;
        if (running) timer = setTimeout(loop, intervalMs);
      });
  };

  return {
    name: 'evaluation-scheduler',
    async start() {
      running = true;
      loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await Promise.all([inFlight, ...background]);
    },
    launch(claim) {
      // A failed run leaves its day unfinished: the next tick's claim takes it over after the lease.
      const run: Promise<void> = evaluate(claim)
        .catch((error: unknown) => logger.error({ err: error, day: claim.day }, 'daily evaluation failed'))
        .finally(() => background.delete(run));
      background.add(run);
    },
    runNow: tick,
  };
}
