import { Cents, Id, Standing } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { BillingContext } from '../context.ts';
import { currentStanding, recordInvoiceFact } from '../use-cases/invoice-facts.ts';

const Day = z.iso.date();
const InvoiceId = z.string().trim().min(1).max(100);

const InvoiceFactBody = z.discriminatedUnion('fact', [
  z.object({ fact: z.literal('issued'), invoiceId: InvoiceId, customerId: Id, amountCents: Cents, dueDate: Day }),
  z.object({ fact: z.literal('paid'), invoiceId: InvoiceId, customerId: Id, paidOn: Day }),
  z.object({ fact: z.literal('cancelled'), invoiceId: InvoiceId, customerId: Id }),
]);

const StandingResource = z.object({
  customerId: Id,
  standing: Standing,
  reason: z.string(),
  since: z.string().nullable(),
});

export function billingRoutes(app: HttpApp, ctx: BillingContext): void {
  app.post('/v1/invoice-facts', {
    schema: { tags: ['invoices'], summary: 'Report an invoice fact from the financial system (R16)', body: InvoiceFactBody, response: { 200: StandingResource } },
  }, async (request) => recordInvoiceFact(ctx, request.body));

  app.get('/v1/customers/:id/standing', {
    schema: { tags: ['standing'], summary: "A customer's payment standing and why (R16)", params: z.object({ id: Id }), response: { 200: StandingResource } },
  }, async (request) => currentStanding(ctx, request.params.id));
}
