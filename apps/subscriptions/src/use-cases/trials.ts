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
  /** Trial packages granting platform products, queued for exclusion. */
  queued: number;
  /** Exclusions whose platform side was closed (entitlement record published with `trial_ended`). */
  closed: number;
  /** Trial packages removed after their exclusion was closed. */
  removedAfterExclusion: number;
  /** Trial packages granting no platform product, removed directly. */
  removedDirectly: number;
}

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
 */
export async function expireTrials(ctx: SubscriptionsContext, options: { batchSize?: number } = {}): Promise<TrialExpiryReport> {
  const report: TrialExpiryReport = { customers: 0, busy: 0, queued: 0, closed: 0, removedAfterExclusion: 0, removedDirectly: 0 };
  const now = ctx.clock.now();
  const limit = options.batchSize ?? 500;
  const candidates = await ctx.db.$queryRaw<Array<{ customer_id: string }>>`
    SELECT customer_id::text FROM (
      SELECT s.customer_id FROM service_package p JOIN customer_service s ON s.id = p.service_id
      WHERE p.detached_at IS NULL AND p.trial_ends_at <= ${now}
      UNION
      SELECT customer_id FROM trial_exclusion WHERE removed_at IS NULL
    ) AS due LIMIT ${limit}`;
  for (const { customer_id: customerId } of candidates) {
    report.customers += 1;
    const steps = [queueExpired, closePlatformSide, removeClosed];
    for (const step of steps) {
      const done = await ctx.transaction(async (tx) => {
        const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM customer WHERE id = ${customerId}::uuid FOR UPDATE SKIP LOCKED`;
        if (locked.length === 0) return false;
        await step(tx, ctx, customerId, now, report);
        return true;
      });
      if (!done) {
        report.busy += 1;
        break;
      }
    }
  }
  return report;
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
