import { BillingPeriod, BillingPeriodClosedV1, CalendarDate, InvoiceId } from '@sva/contracts';
import type { Clock } from '@sva/kernel';
import { createHttpApp, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import { z } from 'zod';
import { platformClient, type ServiceUrls } from './services.ts';
import { createFinancialSimulator, LISTED_INVOICES, type FinancialOptions, type FinancialSimulator } from './simulator.ts';

const tags = ['financial'];
const PeriodParams = z.object({ period: BillingPeriod.describe('Competência, YYYY-MM') });
const FactOutcome = z.union([z.enum(['recorded', 'repeat', 'not_sent']), z.object({ status: z.number().int(), code: z.string(), detail: z.string() })]);
const InvoiceItem = z.object({
  invoiceId: z.string().describe('Deterministic: FIN-<competência>-<customer id>'),
  period: z.string(),
  customerId: z.string(),
  customerCode: z.string().nullable(),
  amountCents: z.number().int().describe('The sum of the customer\'s billable lines (negative: a credit, not invoiced)'),
  billableLines: z.number().int(),
  dueDate: z.string(),
  outcome: z.enum(['invoice', 'nothing_due', 'credit']),
  fact: FactOutcome.describe('recorded: billing-status recorded the issued fact; repeat: it already had it (a re-run); not_sent: preview or credit; else its refusal'),
  standing: z.enum(['good', 'delinquent']).nullable(),
});
const InvoiceRunResource = z.object({
  period: z.string(),
  issuedAt: z.string().describe('The date of every issued fact: the competência\'s close'),
  dueDate: z.string(),
  customers: z.number().int(),
  invoices: z.object({ issued: z.number().int(), repeated: z.number().int(), failed: z.number().int(), totalCents: z.number().int() }),
  nothingDue: z.number().int(),
  credits: z.number().int(),
  items: z.array(InvoiceItem).describe(`The invoices, by customer (at most ${LISTED_INVOICES})`),
  truncated: z.boolean(),
});
const CloseAndInvoiceResource = z.object({
  close: z.object({ alreadyClosed: z.boolean(), replayed: z.boolean(), event: BillingPeriodClosedV1.nullable() }),
  invoicing: InvoiceRunResource,
});
const PaymentResource = z.object({
  invoiceId: z.string(),
  sent: z.boolean().describe('False when the invoice was already paid (nothing sent)'),
  invoice: z.object({ id: z.string(), customerId: z.string(), status: z.string(), amountCents: z.number().int().nullable(), dueDate: z.string().nullable(), paidOn: z.string().nullable() }),
  standing: z.object({ customerId: z.string(), standing: z.enum(['good', 'delinquent']), reason: z.string() }).nullable(),
});

export interface FinancialSimulatorServiceOptions extends FinancialOptions {
  readonly urls: ServiceUrls;
  /** The operator API key the simulator calls the services with; its control API requires it too. */
  readonly apiKey: string;
  /** More keys its control API accepts. */
  readonly apiKeys?: readonly string[];
  readonly host?: string;
  /** 0 picks a free port (default 3011). */
  readonly port?: number;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/**
 * The simulator's control API (what a demo user or a test drives), behind the operator API key:
 * the simulator acts on the platform with that key, so it must not lend it to anyone without it.
 */
export function buildFinancialSimulatorService(options: FinancialSimulatorServiceOptions): Service & { readonly simulator: FinancialSimulator } {
  const simulator = createFinancialSimulator(platformClient(options.urls, options.apiKey), options);
  const { app, lifecycle } = createHttpApp({
    name: 'financial-simulator',
    version: '0.1.0',
    description: 'A stand-in for the provider\'s financial module: closes a competência, invoices its billing lines (one invoice per customer) and reports invoice facts to billing-status. For demos and tests.',
    logger: options.logger,
    readiness: readinessOf({}),
    // Closing and invoicing a large competência takes a while.
    requestTimeoutMs: 300_000,
    tags: { financial: 'The simulated financial module' },
    apiKeys: [...new Set([options.apiKey, ...(options.apiKeys ?? [])])],
  });

  app.post('/v1/periods/:period/close-and-invoice', {
    schema: {
      tags,
      summary: 'Close the month and invoice it',
      description:
        'Closes the competência in subscriptions (POST /v1/billing/periods/{period}/close with an Idempotency-Key; already closed is fine), reads its final lines from the NDJSON export, and sends one issued fact per customer owing something to billing-status. Harmless to repeat. A refusal of subscriptions (e.g. SUBSCRIPTIONS_BILLING_PERIOD_NOT_ENDED, 409) is answered as it came.',
      params: PeriodParams,
      headers: z.object({ 'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,255}$/).optional().describe('Passed to the close (default financial-simulator-close-<period>)') }),
      response: { 200: CloseAndInvoiceResource },
    },
  }, async (request) => simulator.closeAndInvoice(request.params.period, request.headers['idempotency-key']));

  app.post('/v1/periods/:period/invoices', {
    schema: {
      tags,
      summary: 'Invoice a closed competência (409 SIMULATOR_PERIOD_NOT_CLOSED when open)',
      params: PeriodParams,
      response: { 200: InvoiceRunResource },
    },
  }, async (request) => simulator.invoicePeriod(request.params.period));

  app.get('/v1/periods/:period/invoices', {
    schema: {
      tags,
      summary: 'The invoices a closed competência gives, without sending anything',
      params: PeriodParams,
      response: { 200: InvoiceRunResource },
    },
  }, async (request) => simulator.preview(request.params.period));

  app.post('/v1/invoices/:invoiceId/pay', {
    schema: {
      tags,
      summary: 'Report an invoice paid (a paid fact to billing-status)',
      description: 'paidOn defaults to today in the provider\'s time zone (on the demo clock under npm start -- --demo-clock). An invoice already paid is not paid again (sent: false).',
      params: z.object({ invoiceId: InvoiceId }),
      body: z.object({ paidOn: CalendarDate.optional().describe('YYYY-MM-DD') }).strict().nullish(),
      response: { 200: PaymentResource },
    },
  }, async (request) => simulator.pay(request.params.invoiceId, request.body?.paidOn));

  const service = serviceHost({ name: 'financial-simulator', logger: options.logger, http: { app, lifecycle, host: options.host ?? '127.0.0.1', port: options.port ?? 3011 } });
  return { ...service, simulator };
}
