import { performance } from 'node:perf_hooks';
import type { BillingContext } from '../context.ts';
import { evaluationRunning } from '../domain/errors.ts';
import { dueEvaluationDay, type BillingSettings } from '../domain/settings.ts';
import { calendarDate, graceCutoff } from '../domain/standing.ts';
import { readSettings } from '../repositories/settings.repository.ts';
import { evaluationCandidates, expiredTrustCustomers } from '../repositories/standing.repository.ts';
import type { DailyEvaluation } from '../generated/prisma/client.ts';
import { judgeCustomers } from './judge-customers.ts';

/** One daily evaluation, as recorded. */
export interface EvaluationReport {
  readonly day: string;
  readonly trigger: 'schedule' | 'operator';
  readonly runner: string;
  readonly startedAt: Date;
  /** `null` while running. */
  readonly finishedAt: Date | null;
  /** Customers judged (see `evaluationCandidates`). */
  readonly candidates: number | null;
  /** Standings that changed and were announced. */
  readonly changed: number | null;
  /** Transactions the candidates were judged in. */
  readonly batches: number | null;
  readonly durationMs: number | null;
  /** Of `durationMs`, finding the candidates; the rest is judging and writing them. */
  readonly candidatesMs: number | null;
}

/** A day this replica claimed and must now evaluate (`runClaimedEvaluation`). */
export interface EvaluationClaim {
  readonly day: string;
  readonly trigger: 'schedule' | 'operator';
  readonly startedAt: Date;
  readonly settings: BillingSettings;
}

/** A runner whose heartbeat is older than this is presumed dead; another replica takes the day over. */
const LEASE_MS = 120_000;
const BATCH_TIMEOUT_MS = 120_000;

/**
 * Claim a day's evaluation for this replica. `trigger: 'schedule'` claims the day due by the
 * settings (`dueEvaluationDay`): the first replica to insert the day's row owns it, and a pass
 * whose runner stopped beating for `LEASE_MS` (database time) may be taken over; returns `null`
 * when the day is taken or done. `'operator'` claims today even when already evaluated, and
 * throws `BILLING_EVALUATION_RUNNING` while another run of today is in progress.
 */
export async function claimEvaluation(ctx: BillingContext, trigger: 'schedule' | 'operator'): Promise<EvaluationClaim | null> {
  const settings = await readSettings(ctx.db, ctx.defaultSettings);
  const startedAt = ctx.clock.now();
  const day = trigger === 'operator' ? calendarDate(startedAt, settings.timeZone) : dueEvaluationDay(startedAt, settings);
  const rows = await ctx.db.$queryRawUnsafe<unknown[]>(
    `INSERT INTO daily_evaluation (day, trigger, runner, started_at, heartbeat_at)
     VALUES ($1::date, $2, $3, $4::timestamptz, clock_timestamp())
     ON CONFLICT (day) DO UPDATE SET trigger = EXCLUDED.trigger, runner = EXCLUDED.runner, started_at = EXCLUDED.started_at,
       heartbeat_at = clock_timestamp(), finished_at = NULL, candidates = NULL, changed = NULL, batches = NULL, duration_ms = NULL, candidates_ms = NULL
     WHERE (daily_evaluation.finished_at IS NULL AND daily_evaluation.heartbeat_at < clock_timestamp() - $5::int * interval '1 millisecond')
        OR ($2 = 'operator' AND daily_evaluation.finished_at IS NOT NULL)
     RETURNING day`,
    day,
    trigger,
    ctx.runner,
    startedAt.toISOString(),
    LEASE_MS,
  );
  if (rows.length === 1) return { day, trigger, startedAt, settings };
  if (trigger === 'operator') throw evaluationRunning(day);
  return null;
}

/** Renew this replica's claim; false when another replica took the day over. */
async function heartbeat(ctx: BillingContext, day: string): Promise<boolean> {
  const updated = await ctx.db.$executeRawUnsafe(
    'UPDATE daily_evaluation SET heartbeat_at = clock_timestamp() WHERE day = $1::date AND runner = $2 AND finished_at IS NULL',
    day,
    ctx.runner,
  );
  return updated === 1;
}

/**
 * R16: the daily evaluation of a claimed day. Judges every customer whose standing may have
 * changed with no new fact (an invoice crossed its grace date, a trust unblock ran out, the
 * settings changed) and announces each change, in batches of `evaluationBatchSize` customers per
 * transaction, `evaluationConcurrency` at a time, so the outbox relay starts publishing while later
 * batches are judged. Re-judging
 * is idempotent, so a pass taken over after a crash is safe. Returns the report, or `null` when
 * another replica took the day over meanwhile (it finishes the pass).
 */
export async function runClaimedEvaluation(ctx: BillingContext, claim: EvaluationClaim): Promise<EvaluationReport | null> {
  const { day, settings } = claim;
  const t0 = performance.now();
  const candidates = await evaluationCandidates(ctx.db, graceCutoff(calendarDate(claim.startedAt, settings.timeZone), settings.graceDays));
  const candidatesMs = Math.round(performance.now() - t0);
  let changed = 0;
  let batches = 0;
  let next = 0;
  let takenOver = false;
  // Batches are disjoint ranges of the sorted candidates, so parallel workers never wait on each
  // other's locks (nor deadlock); each takes the next range until none is left.
  const worker = async () => {
    while (!takenOver && next < candidates.length) {
      const batch = candidates.slice(next, next + ctx.evaluationBatchSize);
      next += batch.length;
      const report = await ctx.transaction((tx) => judgeCustomers(tx, batch, settings, ctx.clock.now()), { timeoutMs: BATCH_TIMEOUT_MS });
      changed += report.changed;
      batches += 1;
      if (!(await heartbeat(ctx, day))) takenOver = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.evaluationConcurrency) }, worker));
  if (takenOver) return null;
  const result = { finishedAt: ctx.clock.now(), candidates: candidates.length, changed, batches, durationMs: Math.round(performance.now() - t0), candidatesMs };
  await ctx.db.dailyEvaluation.updateMany({ where: { day: new Date(`${day}T00:00:00Z`), runner: ctx.runner }, data: result });
  return { day, trigger: claim.trigger, runner: ctx.runner, startedAt: claim.startedAt, ...result };
}

/**
 * R16: end trust unblocks whose time ran out. Customers still owing become delinquent again at
 * once (announced), with no manual step; the scheduler runs this on every tick, so expiry is
 * caught within one scheduler interval rather than at the next daily evaluation. Safe on
 * several replicas: rows are locked and re-judged, and a second judgement changes nothing.
 */
export async function endExpiredTrustUnblocks(ctx: BillingContext): Promise<number> {
  const settings = await readSettings(ctx.db, ctx.defaultSettings);
  let changed = 0;
  for (;;) {
    const now = ctx.clock.now();
    const due = await expiredTrustCustomers(ctx.db, now, ctx.evaluationBatchSize);
    if (due.length === 0) return changed;
    const report = await ctx.transaction((tx) => judgeCustomers(tx, due, settings, now), { timeoutMs: BATCH_TIMEOUT_MS });
    changed += report.changed;
    if (due.length < ctx.evaluationBatchSize) return changed;
  }
}

/** The latest daily evaluations, newest first. */
export async function listDailyEvaluations(ctx: BillingContext, limit: number): Promise<EvaluationReport[]> {
  const rows = await ctx.db.dailyEvaluation.findMany({ orderBy: { day: 'desc' }, take: limit });
  return rows.map(toReport);
}

/** One day's evaluation, or `null` when that day was never evaluated. */
export async function findDailyEvaluation(ctx: BillingContext, day: string): Promise<EvaluationReport | null> {
  const row = await ctx.db.dailyEvaluation.findUnique({ where: { day: new Date(`${day}T00:00:00Z`) } });
  return row ? toReport(row) : null;
}

function toReport(row: DailyEvaluation): EvaluationReport {
  return {
    day: row.day.toISOString().slice(0, 10),
    trigger: row.trigger as EvaluationReport['trigger'],
    runner: row.runner,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    candidates: row.candidates,
    changed: row.changed,
    batches: row.batches,
    durationMs: row.durationMs,
    candidatesMs: row.candidatesMs,
  };
}
