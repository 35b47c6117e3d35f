import { z } from 'zod';
import { Cents, Id, isUnstorableText, Timestamp, Version } from './common.ts';

/** R16: a customer's payment standing. */
export const Standing = z.enum(['good', 'delinquent']);
export type Standing = z.infer<typeof Standing>;

/** `billing.standing.changed.v1`: a customer's standing changed (R16, R17). */
export const StandingChangedV1 = z.object({
  customerId: Id,
  version: Version,
  standing: Standing,
  /** Human-readable cause, e.g. "invoice INV-1 overdue since 2026-11-10 (grace 5 days)". */
  reason: z.string(),
  changedAt: Timestamp,
});
export type StandingChangedV1 = z.infer<typeof StandingChangedV1>;

/** A calendar date, `YYYY-MM-DD`, in the provider's time zone. */
export const CalendarDate = z.iso.date();

/** The financial system's own invoice id. Facts are idempotent by (invoice id, fact). */
export const InvoiceId = z.string().trim().min(1).max(100).refine((value) => !isUnstorableText(value), 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates');

/** `finance.invoice.issued.v1`: an invoice was issued (or re-sent with corrected amount/due date). */
export const InvoiceIssuedV1 = z.object({
  fact: z.literal('issued'),
  invoiceId: InvoiceId,
  customerId: Id,
  amountCents: Cents,
  dueDate: CalendarDate,
  occurredAt: Timestamp,
});
export type InvoiceIssuedV1 = z.infer<typeof InvoiceIssuedV1>;

/** `finance.invoice.paid.v1`: an invoice was paid. May arrive before its `issued` fact. */
export const InvoicePaidV1 = z.object({
  fact: z.literal('paid'),
  invoiceId: InvoiceId,
  customerId: Id,
  paidOn: CalendarDate,
  occurredAt: Timestamp,
});
export type InvoicePaidV1 = z.infer<typeof InvoicePaidV1>;

/** `finance.invoice.cancelled.v1`: an invoice was cancelled (it no longer counts). */
export const InvoiceCancelledV1 = z.object({
  fact: z.literal('cancelled'),
  invoiceId: InvoiceId,
  customerId: Id,
  occurredAt: Timestamp,
});
export type InvoiceCancelledV1 = z.infer<typeof InvoiceCancelledV1>;

/** `finance.invoice.due-date-changed.v1`: an invoice's due date moved. */
export const InvoiceDueDateChangedV1 = z.object({
  fact: z.literal('due_date_changed'),
  invoiceId: InvoiceId,
  customerId: Id,
  dueDate: CalendarDate,
  occurredAt: Timestamp,
});
export type InvoiceDueDateChangedV1 = z.infer<typeof InvoiceDueDateChangedV1>;

/** Any invoice fact: the body of billing-status's HTTP API and of the `finance.invoice.*` subjects. */
export const InvoiceFactV1 = z.discriminatedUnion('fact', [InvoiceIssuedV1, InvoicePaidV1, InvoiceCancelledV1, InvoiceDueDateChangedV1]);
export type InvoiceFactV1 = z.infer<typeof InvoiceFactV1>;
