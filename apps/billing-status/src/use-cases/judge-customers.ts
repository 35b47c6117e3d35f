import { subjects } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { Tx } from '../context.ts';
import type { BillingSettings } from '../domain/settings.ts';
import { calendarDate, graceCutoff, judgeStanding, nextStanding, type StandingRecord, type StandingVerdict } from '../domain/standing.ts';
import { endTrustUnblocks, lockStandings, oldestOverdueInvoices, writeStandings } from '../repositories/standing.repository.ts';

/** What judging a set of customers did. */
export interface JudgeReport {
  /** Each customer's standing after the judgement. */
  readonly records: ReadonlyMap<string, StandingRecord>;
  readonly verdicts: ReadonlyMap<string, StandingVerdict>;
  /** Standings that changed (and were announced). */
  readonly changed: number;
}

/** Rows per outbox INSERT: 6 parameters each, well under PostgreSQL's 65,535. */
const OUTBOX_CHUNK = 1_000;

/**
 * R16: judge these customers afresh and store and announce what changed, inside the caller's
 * transaction. The customers' standing rows are locked first, so a concurrent invoice fact or
 * evaluation of the same customer waits, and the invoices read afterwards are current. A change of
 * standing is written with its `billing.standing.changed.v1` event (next version) in the same
 * transaction; a change of the why alone is stored without an event. The same code serves one
 * customer (a fact, a trust unblock) and thousands (the daily evaluation): a few set-based
 * statements per call whatever the count.
 */
export async function judgeCustomers(tx: Tx, customerIds: readonly string[], settings: BillingSettings, now: Date): Promise<JudgeReport> {
  const assessed = await assessCustomers(tx, customerIds, settings, now);
  const records = new Map<string, StandingRecord>();
  const verdicts = new Map<string, StandingVerdict>();
  const writes: StandingRecord[] = [];
  const events = [];
  const trustEnded = [];
  for (const { record, verdict } of assessed) {
    verdicts.set(record.customerId, verdict);
    if (verdict.trustEnded) trustEnded.push(verdict.trustEnded);
    const update = nextStanding(record, verdict, now);
    if (update.kind === 'unchanged') {
      records.set(record.customerId, record);
      continue;
    }
    records.set(record.customerId, update.record);
    writes.push(update.record);
    if (update.kind === 'changed') events.push({ subject: subjects.billing.standingChanged, payload: update.event });
  }
  await writeStandings(tx, writes);
  await endTrustUnblocks(tx, trustEnded);
  for (let i = 0; i < events.length; i += OUTBOX_CHUNK) await enqueue(tx, events.slice(i, i + OUTBOX_CHUNK));
  return { records, verdicts, changed: events.length };
}

/**
 * R16: what judging these customers now would conclude, without storing or announcing it: their
 * standing rows locked (as `judgeCustomers` does) and each one's verdict from its overdue invoices
 * and trust unblock.
 */
export async function assessCustomers(
  tx: Tx,
  customerIds: readonly string[],
  settings: BillingSettings,
  now: Date,
): Promise<Array<{ readonly record: StandingRecord; readonly verdict: StandingVerdict }>> {
  const current = await lockStandings(tx, customerIds);
  const overdue = await oldestOverdueInvoices(tx, customerIds, graceCutoff(calendarDate(now, settings.timeZone), settings.graceDays));
  return current.map((record) => {
    const oldest = overdue.get(record.customerId);
    const verdict = judgeStanding(
      {
        oldestOverdue: oldest ? { invoiceId: oldest.invoiceId, dueDate: oldest.dueDate } : null,
        overdueCount: oldest?.count ?? 0,
        trust: record.trustUnblockId && record.trustUntil ? { id: record.trustUnblockId, until: record.trustUntil } : null,
      },
      settings,
      now,
    );
    return { record, verdict };
  });
}
