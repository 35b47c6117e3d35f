import type { Bus, Subscription } from '@sva/bus';
import { InvoiceCancelledV1, InvoiceDueDateChangedV1, InvoiceIssuedV1, InvoicePaidV1, streams, subjects, type InvoiceFactV1 } from '@sva/contracts';
import { consumeEvents, on, type Logger, type Worker } from '@sva/service-kit';
import type { BillingContext } from '../context.ts';
import { recordInvoiceFact } from '../use-cases/record-invoice-fact.ts';

/** Durable consumer name: replicas share it (and the work). */
export const FINANCE_CONSUMER = 'billing-status-finance';

/**
 * Invoice facts from the provider's financial system on stream `FINANCE`
 * (`finance.invoice.{issued,paid,cancelled,due-date-changed}.v1`): the same contract and the same
 * use case as `POST /v1/invoice-facts`. Idempotent by the fact's identity, not by message id, so
 * a fact sent both over HTTP and the bus, or republished with a new message id, is applied once.
 * Facts may arrive in any order, so deliveries are handled several at a time; facts about one
 * customer serialise on the customer's lock. A fact the service refuses for good (another
 * customer's invoice, a conflicting repeat) is terminated and logged; anything else is retried.
 */
export function invoiceFactsConsumer(bus: Bus, ctx: BillingContext, logger: Logger): Worker {
  let subscription: Subscription | undefined;
  const record = (fact: InvoiceFactV1) => recordInvoiceFact(ctx, fact, 'bus').then(() => undefined);
  return {
    name: FINANCE_CONSUMER,
    async start() {
      subscription = await consumeEvents(bus, {
        spec: { stream: streams.finance.name, durable: FINANCE_CONSUMER, filterSubject: 'finance.invoice.>', concurrency: 8 },
        logger,
        routes: {
          [subjects.finance.invoiceIssued]: on(InvoiceIssuedV1, record),
          [subjects.finance.invoicePaid]: on(InvoicePaidV1, record),
          [subjects.finance.invoiceCancelled]: on(InvoiceCancelledV1, record),
          [subjects.finance.invoiceDueDateChanged]: on(InvoiceDueDateChangedV1, record),
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
