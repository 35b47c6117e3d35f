import { InvoiceFactV1 } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { BillingContext } from '../context.ts';
import { invoiceNotFound } from '../domain/errors.ts';
import type { InvoiceState, InvoiceStatus } from '../domain/invoice.ts';
import { findInvoiceWithFacts, toInvoiceState } from '../repositories/invoice.repository.ts';
import { recordInvoiceFact } from '../use-cases/record-invoice-fact.ts';
import { CustomerParams, FactOutcomeResource, InvoiceParams, InvoiceWithFactsResource, iso } from './schemas.ts';

const invoiceResource = (invoice: InvoiceState & { status: InvoiceStatus }) => ({
  id: invoice.id,
  customerId: invoice.customerId,
  status: invoice.status,
  amountCents: invoice.amountCents,
  dueDate: invoice.dueDate,
  paidOn: invoice.paidOn,
  issuedAt: iso(invoice.issuedAt),
  paidAt: iso(invoice.paidAt),
  cancelledAt: iso(invoice.cancelledAt),
});

/** Invoice facts in (from the financial system), invoices out (R16). */
export function invoiceRoutes(app: HttpApp, ctx: BillingContext): void {
  app.post('/v1/invoice-facts', {
    schema: {
      tags: ['invoices'],
      summary: 'Report an invoice fact from the financial system (R16)',
      description:
        'The same contract as the `finance.invoice.*.v1` subjects. Idempotent by (invoiceId, fact, occurredAt); facts may arrive in any order (a payment before its invoice is kept and applied).',
      body: InvoiceFactV1,
      response: { 200: FactOutcomeResource },
    },
  }, async (request) => {
    const outcome = await recordInvoiceFact(ctx, request.body, 'http');
    const { standing } = outcome;
    return {
      recorded: outcome.recorded,
      invoice: invoiceResource(outcome.invoice),
      standing: { customerId: standing.customerId, standing: standing.standing, reason: standing.reason, version: standing.version, since: standing.since.toISOString() },
    };
  });

  app.get('/v1/invoices/:invoiceId', {
    schema: { tags: ['invoices'], summary: 'An invoice as folded from its facts, with the facts', params: InvoiceParams, response: { 200: InvoiceWithFactsResource } },
  }, async (request) => {
    const row = await findInvoiceWithFacts(ctx.db, request.params.invoiceId);
    if (!row) throw invoiceNotFound(request.params.invoiceId);
    return {
      ...invoiceResource({ ...toInvoiceState(row), status: row.status as InvoiceStatus }),
      facts: row.facts.map((fact) => ({
        fact: fact.fact,
        occurredAt: fact.occurredAt.toISOString(),
        source: fact.source as 'http' | 'bus',
        receivedAt: fact.receivedAt.toISOString(),
        payload: fact.payload as Record<string, unknown>,
      })),
    };
  });

  app.get('/v1/customers/:id/invoices', {
    schema: { tags: ['invoices'], summary: "A customer's invoices, latest due first", params: CustomerParams, response: { 200: z.object({ items: z.array(InvoiceWithFactsResource.omit({ facts: true })) }) } },
  }, async (request) => {
    const rows = await ctx.db.invoice.findMany({ where: { customerId: request.params.id }, orderBy: [{ dueDate: { sort: 'desc', nulls: 'first' } }, { id: 'asc' }], take: 500 });
    return { items: rows.map((row) => invoiceResource({ ...toInvoiceState(row), status: row.status as InvoiceStatus })) };
  });
}
