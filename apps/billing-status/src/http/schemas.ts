import { CalendarDate, Id, InvoiceId, Standing } from '@sva/contracts';
import { z } from 'zod';
import { isTimeZone, TIME_OF_DAY } from '../domain/settings.ts';

export const CustomerParams = z.object({ id: Id });
export const InvoiceParams = z.object({ invoiceId: InvoiceId });

const Instant = z.string().describe('ISO 8601 instant');

/** An instant as the API writes it, or null. */
export const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const InvoiceResource = z.object({
  id: z.string(),
  customerId: Id,
  status: z.enum(['awaiting_issue', 'open', 'paid', 'cancelled']).describe('cancelled > paid > open > awaiting_issue (a payment or cancellation known before the invoice)'),
  amountCents: z.number().int().nullable(),
  dueDate: CalendarDate.nullable(),
  paidOn: CalendarDate.nullable(),
  issuedAt: Instant.nullable(),
  paidAt: Instant.nullable(),
  cancelledAt: Instant.nullable(),
});

export const InvoiceWithFactsResource = InvoiceResource.extend({
  facts: z.array(z.object({ fact: z.string(), occurredAt: Instant, source: z.enum(['http', 'bus']), receivedAt: Instant, payload: z.record(z.string(), z.unknown()) })),
});

export const StandingResource = z.object({
  customerId: Id,
  standing: Standing,
  reason: z.string(),
  since: Instant.nullable().describe('when the current standing began; null for a customer never reported'),
  version: z.number().int().nonnegative(),
  overdueInvoice: z
    .object({ invoiceId: z.string(), dueDate: CalendarDate.nullable(), amountCents: z.number().int().nullable(), overdueSince: CalendarDate.nullable() })
    .nullable()
    .describe('the oldest invoice overdue past grace (also while a trust unblock covers it)'),
  trustUnblock: z
    .object({ id: Id, days: z.number().int(), grantedAt: Instant, until: Instant, note: z.string().nullable() })
    .nullable()
    .describe('the trust unblock in force'),
  updatedAt: Instant.nullable(),
});

export const FactOutcomeResource = z.object({
  recorded: z.boolean().describe('false when this very fact was recorded before (nothing changed)'),
  invoice: InvoiceResource,
  standing: z.object({ customerId: Id, standing: Standing, reason: z.string(), version: z.number().int().nonnegative(), since: Instant }),
});

export const TrustUnblockBody = z.object({
  days: z.number().int().min(1).max(365).describe("at most the provider's maxTrustUnblockDays"),
  note: z.string().trim().min(1).max(500).optional(),
});

export const TrustUnblockResource = z.object({
  id: Id,
  customerId: Id,
  days: z.number().int(),
  grantedAt: Instant,
  until: Instant,
  invoiceId: z.string().describe('the overdue invoice it was granted for'),
  note: z.string().nullable(),
  endedAt: Instant.nullable(),
  endReason: z.enum(['expired', 'settled']).nullable().describe('expired: time ran out; settled: nothing was overdue any more'),
});

export const SettingsBody = z.object({
  graceDays: z.number().int().min(0).max(365),
  maxTrustUnblockDays: z.number().int().min(0).max(365).describe('0 disables trust unblocks'),
  dailyEvaluationTime: z.string().regex(TIME_OF_DAY, 'HH:MM, 24 h'),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. America/Sao_Paulo)'),
});

export const SettingsResource = SettingsBody.extend({
  source: z.enum(['stored', 'defaults']),
  version: z.number().int().nonnegative(),
  updatedAt: Instant.nullable(),
});

export const EvaluationResource = z.object({
  day: CalendarDate,
  trigger: z.enum(['schedule', 'operator']),
  runner: z.string(),
  startedAt: Instant,
  finishedAt: Instant.nullable(),
  candidates: z.number().int().nullable(),
  changed: z.number().int().nullable(),
  batches: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  candidatesMs: z.number().int().nullable().describe('of durationMs, finding the candidates; the rest is judging and writing them'),
});
