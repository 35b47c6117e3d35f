import { metrics } from '@opentelemetry/api';
import type { SubscriptionsContext, Tx } from '../context.ts';
import { calendarDate } from '../domain/calendar.ts';
import { systemActors, type HistoryEvent } from '../domain/history.ts';
import { grantsOf } from '../repositories/catalog-replica.ts';
import { refreshEntitlements } from '../repositories/entitlements.ts';
import { recordHistory } from '../repositories/history.ts';

/** What one pass of the trial-expiry job did. */
export interface TrialExpiryReport {
  /** Customers looked at. */
  customers: number;
  /** Customers skipped because another replica (or an operator's change) held them; retried next pass. */
  busy: number;
  /** Customers whose step failed: recorded in `trial_failure` and retried after a backoff. */
  failed: number;
  /** Customers handled again after earlier failures (their failure record is cleared). */
  recovered: number;
  /** Trial packages granting platform products, queued for exclusion. */
  queued: number;
  /** Exclusions whose platform side was closed (entitlement record published with `trial_ended`). */
  closed: number;
  /** Trial packages removed after their exclusion was closed. */
  removedAfterExclusion: number;
  /** Trial packages granting no platform product, removed directly. */
  removedDirectly: number;
}

/** A customer the job could not handle, as operators see it (`GET /v1/trial-expiry/failures`). */
export interface TrialFailure {
  readonly customerId: string;
  /** Consecutive failed attempts. */
  readonly attempts: number;
  /** The last error (`name: message`, at most 1,000 characters). */
  readonly lastError: string;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
  /** The job leaves the customer alone until then. */
  readonly nextAttemptAt: Date;
}

/** Backoff after the n-th consecutive failure: 1 min × 2^(n − 1), at most 6 h. */
export const TRIAL_RETRY_BASE_SECONDS = 60;
export const TRIAL_RETRY_MAX_SECONDS = 6 * 3_600;

/**
 * R11: one pass of the trial-expiry job. For each customer with a trial package whose end date
 * has passed (by the injected clock), or with an exclusion still under way:
 *
 * 1. trial packages granting platform products are queued for exclusion (a `trial_exclusion`
 *    row), others are removed directly (detached with reason `trial_ended`);
 * 2. the platform side is closed: the entitlement record goes out with `trial_ended`, and the
 *    exclusion records when;
 * 3. then the package is removed (detached with reason `trial_ended`, the row kept as history).
 *
 * Each step is its own transaction under the customer's lock, taken with `SKIP LOCKED`: every
 * replica can run the job at once, each customer is handled by one of them, and a customer an
 * operator is changing right now is simply picked up by the next pass. A crash between steps
 * leaves a durable exclusion record that the next pass continues from.
 *
 * A customer whose step throws never stops the pass: the error is recorded (`trial_failure`:
 * error, attempts, next attempt after an exponential backoff; metric
 * `sva.subscriptions.trial_expiry.failures`) and the pass goes on with the next customer.
 * Customers are taken in id order, leaving out those waiting for their next attempt, so a
 * customer that keeps failing never holds a place in the batch that others need.
 */
export async function expireTrials(ctx: SubscriptionsContext, options: { batchSize?: number } = {}): Promise<TrialExpiryReport> {
  const report: TrialExpiryReport = { customers: 0, busy: 0, failed: 0, recovered: 0, queued: 0, closed: 0, removedAfterExclusion: 0, removedDirectly: 0 };
  const now = ctx.clock.now();
  const limit = options.batchSize ?? 500;
  const candidates = await ctx.db.$queryRaw<Array<{ customer_id: string; failing: boolean }>>`
    SELECT due.customer_id::text, f.customer_id IS NOT NULL AS failing FROM (
      SELECT s.customer_id FROM service_package p JOIN customer_service s ON s.id = p.service_id
      WHERE p.detached_at IS NULL AND p.trial_ends_at <= ${now}
      UNION
      SELECT customer_id FROM trial_exclusion WHERE removed_at IS NULL
    ) AS due LEFT JOIN trial_failure f ON f.customer_id = due.customer_id
    WHERE f.customer_id IS NULL OR f.next_attempt_at <= ${now}
    ORDER BY due.customer_id LIMIT ${limit}`;
  for (const { customer_id: customerId, failing } of candidates) {
    report.customers += 1;
    let outcome: 'done' | 'busy';
    try {
      outcome = await expireCustomer(ctx, customerId, now, report);
    } catch (error) {
      report.failed += 1;
      await recordFailure(ctx, customerId, error, now);
      continue;
    }
    if (outcome === 'busy') report.busy += 1;
    else if (failing) {
      await ctx.db.trialFailure.deleteMany({ where: { customerId } });
      report.recovered += 1;
    }
  }
  const meter = metrics.getMeter('@sva/subscriptions');
  if (report.failed > 0) {
    meter.createCounter('sva.subscriptions.trial_expiry.failures', { unit: '{attempt}', description: 'Trial-expiry attempts on a customer that failed (retried with backoff).' }).add(report.failed);
  }
  if (report.failed > 0 || report.recovered > 0 || candidates.length > 0) {
    meter
      .createGauge('sva.subscriptions.trial_expiry.failing_customers', { unit: '{customer}', description: 'Customers whose trial expiry is failing (GET /v1/trial-expiry/failures lists them).' })
      .record(await ctx.db.trialFailure.count());
  }
  return report;
}

/** The three steps for one customer; `busy` when another transaction holds the customer. */
async function expireCustomer(ctx: SubscriptionsContext, customerId: string, now: Date, report: TrialExpiryReport): Promise<'done' | 'busy'> {
  for (const step of [queueExpired, closePlatformSide, removeClosed]) {
    const done = await ctx.transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM customer WHERE id = ${customerId}::uuid FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return false;
      await step(tx, ctx, customerId, now, report);
      return true;
    });
    if (!done) return 'busy';
  }
  return 'done';
}

async function recordFailure(ctx: SubscriptionsContext, customerId: string, error: unknown, now: Date): Promise<void> {
  const text = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1_000);
  await ctx.db.$executeRaw`
    INSERT INTO trial_failure (customer_id, attempts, last_error, first_failed_at, last_failed_at, next_attempt_at)
    VALUES (${customerId}::uuid, 1, ${text}, ${now}, ${now}, ${now}::timestamptz + make_interval(secs => ${TRIAL_RETRY_BASE_SECONDS}))
    ON CONFLICT (customer_id) DO UPDATE SET
      attempts = trial_failure.attempts + 1,
      last_error = EXCLUDED.last_error,
      last_failed_at = EXCLUDED.last_failed_at,
      next_attempt_at = EXCLUDED.last_failed_at
        + make_interval(secs => least(${TRIAL_RETRY_MAX_SECONDS}, ${TRIAL_RETRY_BASE_SECONDS} * power(2, least(trial_failure.attempts, 30))))`;
}

/** Customers whose trial expiry is failing, the soonest retried first. */
export async function listTrialFailures(ctx: SubscriptionsContext, limit: number): Promise<TrialFailure[]> {
  return ctx.db.trialFailure.findMany({ orderBy: [{ nextAttemptAt: 'asc' }, { customerId: 'asc' }], take: limit });
}

type Step = (tx: Tx, ctx: SubscriptionsContext, customerId: string, now: Date, report: TrialExpiryReport) => Promise<void>;

const queueExpired: Step = async (tx, ctx, customerId, now, report) => {
  const expired = await tx.servicePackage.findMany({
    where: { detachedAt: null, trialEndsAt: { lte: now }, service: { customerId } },
    orderBy: { id: 'asc' },
  });
  if (expired.length === 0) return;
  const queued = new Set((await tx.trialExclusion.findMany({ where: { attachmentId: { in: expired.map((e) => e.id) } }, select: { attachmentId: true } })).map((q) => q.attachmentId));
  const packages = new Map((await tx.knownPackage.findMany({ where: { id: { in: expired.map((e) => e.packageId) } } })).map((p) => [p.id, p]));
  const history: HistoryEvent[] = [];
  const direct: string[] = [];
  for (const attachment of expired) {
    if (queued.has(attachment.id)) continue;
    const known = packages.get(attachment.packageId);
    const integrationIds = known ? grantsOf(known).filter((g) => g.productCodes.length > 0).map((g) => g.integrationId) : [];
    const ended = `trial ended on ${calendarDate(attachment.trialEndsAt!, ctx.timeZone)}`;
    const base = { customerId, serviceId: attachment.serviceId, attachmentId: attachment.id, packageId: attachment.packageId, actor: systemActors.trialExpiry, at: now };
    if (integrationIds.length > 0) {
      await tx.trialExclusion.create({
        data: {
          attachmentId: attachment.id,
          customerId,
          serviceId: attachment.serviceId,
          packageId: attachment.packageId,
          integrationIds,
          trialEndedAt: attachment.trialEndsAt!,
          queuedAt: now,
        },
      });
      history.push({ ...base, action: 'trial_exclusion_queued', reason: `${ended}; grants products on ${integrationIds.join(', ')}` });
      report.queued += 1;
    } else {
      direct.push(attachment.id);
      history.push({ ...base, action: 'package_detached', oldPriceCents: attachment.priceCents, reason: `${ended}; grants no platform product` });
      report.removedDirectly += 1;
    }
  }
  if (direct.length > 0) await tx.servicePackage.updateMany({ where: { id: { in: direct } }, data: { detachedAt: now, detachReason: 'trial_ended' } });
  await recordHistory(tx, history);
};

const closePlatformSide: Step = async (tx, ctx, customerId, now, report) => {
  const open = await tx.trialExclusion.findMany({ where: { customerId, platformClosedAt: null } });
  if (open.length === 0) return;
  // The trial is over by the clock, so the records computed now say `trial_ended` for its products.
  await refreshEntitlements(tx, ctx, customerId);
  const versions = await tx.entitlement.findMany({ where: { customerId }, select: { integrationId: true, version: true } });
  await tx.trialExclusion.updateMany({ where: { attachmentId: { in: open.map((o) => o.attachmentId) } }, data: { platformClosedAt: now } });
  await recordHistory(
    tx,
    open.map((exclusion) => ({
      customerId,
      serviceId: exclusion.serviceId,
      attachmentId: exclusion.attachmentId,
      packageId: exclusion.packageId,
      action: 'trial_platform_closed' as const,
      reason: `entitlement published with trial_ended: ${versions
        .filter((v) => exclusion.integrationIds.includes(v.integrationId))
        .map((v) => `integration ${v.integrationId} version ${v.version}`)
        .join(', ')}`,
      actor: systemActors.trialExpiry,
      at: now,
    })),
  );
  report.closed += open.length;
};

const removeClosed: Step = async (tx, ctx, customerId, now, report) => {
  const closed = await tx.trialExclusion.findMany({ where: { customerId, platformClosedAt: { not: null }, removedAt: null } });
  if (closed.length === 0) return;
  const attachments = await tx.servicePackage.findMany({ where: { id: { in: closed.map((c) => c.attachmentId) } } });
  const live = attachments.filter((a) => a.detachedAt === null);
  await tx.servicePackage.updateMany({ where: { id: { in: live.map((a) => a.id) } }, data: { detachedAt: now, detachReason: 'trial_ended' } });
  await tx.trialExclusion.updateMany({ where: { attachmentId: { in: closed.map((c) => c.attachmentId) } }, data: { removedAt: now } });
  await recordHistory(
    tx,
    live.map((attachment) => ({
      customerId,
      serviceId: attachment.serviceId,
      attachmentId: attachment.id,
      packageId: attachment.packageId,
      action: 'package_detached' as const,
      oldPriceCents: attachment.priceCents,
      reason: `trial ended on ${calendarDate(attachment.trialEndsAt ?? now, ctx.timeZone)}; removed after its exclusion was closed on the platform`,
      actor: systemActors.trialExpiry,
      at: now,
    })),
  );
  // Removing changes nothing for the platform (the records already say trial_ended); refresh to be sure.
  await refreshEntitlements(tx, ctx, customerId);
  report.removedAfterExclusion += live.length;
};
