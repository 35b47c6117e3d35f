import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/*
 * R18–R20, *cobrança*: the billing lines subscriptions produces per competência for the
 * provider's financial module, and the consent every charge traces to.
 */

/** R19: how the customer agreed to a paid package. */
export const ConsentChannel = z.enum(['in_person', 'phone', 'app', 'signed_contract']);
export type ConsentChannel = z.infer<typeof ConsentChannel>;

/** R19: the customer's recorded consent to a paid package, sent with the attach. */
export const ConsentV1 = z.object({
  channel: ConsentChannel.describe('How the customer agreed: in_person, phone, app or signed_contract'),
  at: Timestamp.describe('When the customer agreed (ISO 8601 with offset)'),
  by: z.string().trim().min(1).max(100).describe('Who recorded it: the operator, or the app'),
  reference: z.string().trim().min(1).max(200).optional().describe('A reference to the record: call id, contract number, app receipt'),
});
export type ConsentV1 = z.infer<typeof ConsentV1>;

/** A competência, `YYYY-MM`: a calendar month in the provider's time zone. */
export const BillingPeriod = z.string().regex(/^(2\d{3}|[3-9]\d{3})-(0[1-9]|1[0-2])$/, 'YYYY-MM (a month from 2000 on)');

export const NotBillableReason = z.enum(['trial', 'zero_value', 'suspended_request', 'suspended_debt']);

/** One fiscal item of a line: its part of the amount under one fiscal code. */
export const FiscalItemV1 = z.object({ kind: z.string(), serviceCode: z.string(), amountCents: z.number().int() });
export type FiscalItemV1 = z.infer<typeof FiscalItemV1>;

/** A line's consent (R19): the customer's, or the plan contract's for a plan package. */
export const LineConsentV1 = z.object({
  source: z.enum(['customer', 'plan_contract']),
  channel: ConsentChannel.nullable(),
  at: Timestamp,
  by: z.string().nullable(),
  reference: z.string().nullable(),
});

/**
 * `subscriptions.billing-line.closed.v1`: one line of a closed competência, published with the
 * line id as de-duplication id. `amountCents` is negative for a credit adjustment.
 */
export const BillingLineV1 = z.object({
  id: Id,
  period: BillingPeriod,
  kind: z.enum(['charge', 'adjustment']),
  customerId: Id,
  customerCode: z.string().nullable(),
  serviceId: Id,
  attachmentId: Id,
  packageId: Id,
  packageDescription: z.string(),
  packageVersion: z.number().int().nullable(),
  integrationProducts: z.array(z.object({ integrationId: Id, productCodes: z.array(z.string()) })),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  days: z.number().int(),
  daysInPeriod: z.number().int(),
  unitPriceCents: z.number().int(),
  amountCents: z.number().int(),
  billable: z.boolean(),
  notBillableReason: NotBillableReason.nullable(),
  fiscalItems: z.array(FiscalItemV1),
  consent: LineConsentV1.nullable(),
  correctsLineId: Id.nullable(),
  correctsPeriod: BillingPeriod.nullable(),
});
export type BillingLineV1 = z.infer<typeof BillingLineV1>;

/** Totals of a competência: line counts, billable amount, billable amount by fiscal code. */
export const BillingTotalsV1 = z.object({
  lines: z.number().int(),
  billableLines: z.number().int(),
  billableCents: z.number().int(),
  byFiscalCode: z.array(FiscalItemV1),
});
export type BillingTotalsV1 = z.infer<typeof BillingTotalsV1>;

/** `subscriptions.billing-period.closed.v1`: a competência was closed; its lines follow on `billingLineClosed`. */
export const BillingPeriodClosedV1 = z.object({
  period: BillingPeriod,
  closedAt: Timestamp,
  closedBy: z.string(),
  totals: BillingTotalsV1,
});
export type BillingPeriodClosedV1 = z.infer<typeof BillingPeriodClosedV1>;
