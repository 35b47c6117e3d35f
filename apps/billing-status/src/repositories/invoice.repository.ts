import type { InvoiceFactV1 } from '@sva/contracts';
import type { BillingDb, Tx } from '../context.ts';
import { invoiceStatus, type InvoiceState } from '../domain/invoice.ts';
import type { Invoice } from '../generated/prisma/client.ts';

const toDay = (day: string | null) => (day === null ? null : new Date(`${day}T00:00:00Z`));
const fromDay = (date: Date | null) => (date === null ? null : date.toISOString().slice(0, 10));

/** An invoice row as the domain folds it. */
export function toInvoiceState(row: Invoice): InvoiceState {
  return {
    id: row.id,
    customerId: row.customerId,
    amountCents: row.amountCents === null ? null : Number(row.amountCents),
    dueDate: fromDay(row.dueDate),
    dueDateSetAt: row.dueDateSetAt,
    issuedAt: row.issuedAt,
    paidOn: fromDay(row.paidOn),
    paidAt: row.paidAt,
    cancelledAt: row.cancelledAt,
  };
}

/** Read an invoice and lock it for the rest of the transaction; `null` when no fact about it was seen. */
export async function lockInvoice(tx: Tx, invoiceId: string): Promise<InvoiceState | null> {
  const locked = await tx.$queryRawUnsafe<unknown[]>('SELECT 1 FROM invoice WHERE id = $1 FOR UPDATE', invoiceId);
  if (locked.length === 0) return null;
  return toInvoiceState(await tx.invoice.findUniqueOrThrow({ where: { id: invoiceId } }));
}

/** Store the folded state of an invoice (created on its first fact). */
export async function saveInvoice(tx: Tx, state: InvoiceState, existed: boolean, now: Date): Promise<void> {
  const data = {
    customerId: state.customerId,
    status: invoiceStatus(state),
    amountCents: state.amountCents === null ? null : BigInt(state.amountCents),
    dueDate: toDay(state.dueDate),
    dueDateSetAt: state.dueDateSetAt,
    issuedAt: state.issuedAt,
    paidOn: toDay(state.paidOn),
    paidAt: state.paidAt,
    cancelledAt: state.cancelledAt,
    updatedAt: now,
  };
  if (existed) await tx.invoice.update({ where: { id: state.id }, data });
  else await tx.invoice.create({ data: { id: state.id, ...data } });
}

/** The recorded fact with the same identity (invoice, kind, occurredAt), if any. */
export async function findFact(tx: Tx, key: { invoiceId: string; fact: string; occurredAt: Date }): Promise<{ payload: unknown } | null> {
  return tx.invoiceFact.findUnique({ where: { invoiceId_fact_occurredAt: key }, select: { payload: true } });
}

/** Record a handled fact (after its invoice row exists). */
export async function insertFact(tx: Tx, fact: InvoiceFactV1, source: 'http' | 'bus', now: Date): Promise<void> {
  await tx.invoiceFact.create({
    data: { invoiceId: fact.invoiceId, fact: fact.fact, occurredAt: new Date(fact.occurredAt), payload: fact, source, receivedAt: now },
  });
}

/** An invoice with its facts, oldest first, for the query API. */
export async function findInvoiceWithFacts(db: BillingDb, invoiceId: string) {
  return db.invoice.findUnique({ where: { id: invoiceId }, include: { facts: { orderBy: [{ occurredAt: 'asc' }, { fact: 'asc' }] } } });
}
