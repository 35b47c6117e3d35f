import type { Tx } from '../context.ts';
import type { HistoryEvent } from '../domain/history.ts';

/** Record changes to customers in the transaction that makes them. */
export async function recordHistory(tx: Tx, events: HistoryEvent | readonly HistoryEvent[]): Promise<void> {
  const list = Array.isArray(events) ? (events as readonly HistoryEvent[]) : [events as HistoryEvent];
  if (list.length === 0) return;
  await tx.historyEntry.createMany({
    data: list.map((event) => ({
      customerId: event.customerId,
      serviceId: event.serviceId ?? null,
      attachmentId: event.attachmentId ?? null,
      packageId: event.packageId ?? null,
      action: event.action,
      oldPriceCents: event.oldPriceCents ?? null,
      newPriceCents: event.newPriceCents ?? null,
      oldStatus: event.oldStatus ?? null,
      newStatus: event.newStatus ?? null,
      reason: event.reason ?? null,
      actor: event.actor,
      at: event.at,
    })),
  });
}
