import { Readable } from 'node:stream';
import { BillingLineV1, BillingPeriod, BillingTotalsV1, Id } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { SubscriptionsContext } from '../../context.ts';
import { customerNotFound } from '../../domain/errors.ts';
import { actorOf, decodeCursor, encodeCursor, idempotent } from '../../http/request-context.ts';
import { IdempotentHeaders } from '../../http/schemas.ts';
import { totalsOf, type BillingLine, type BillingSettings } from '../domain/billing-lines.ts';
import { closedLinesCopy } from '../repositories/lines.ts';
import { closedPeriod, pageOfLines, periodLines, periodSummary, requestClose } from '../use-cases/billing-lines.ts';
import { csvHeader, csvRow } from './csv.ts';

const tags = ['billing'];
const Period = BillingPeriod.describe('Competência: a calendar month in the provider\'s time zone, YYYY-MM');
const PeriodParams = z.object({ period: Period });
const LineCursor = z.object({ customerId: Id, id: Id });
const Billable = z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')).describe('Only billable (true) or not-billable (false) lines');

const LinesQuery = z.object({
  period: Period,
  customerId: Id.optional(),
  serviceId: Id.optional(),
  billable: Billable,
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('Lines per page (1–1000, default 100)'),
});

const UnconsentedQuery = LinesQuery.pick({ period: true, customerId: true, cursor: true, limit: true });

const PeriodResource = z.object({
  period: z.string(),
  status: z
    .enum(['open', 'closing', 'closed'])
    .describe('open: the lines are a preview that follows the data; closing: the close job is writing them (the lines still read as the preview); closed: final (R20)'),
  requestedAt: z.string().nullable().describe('When the close was asked for (null while open)'),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable().describe('Who asked for the close'),
  totals: BillingTotalsV1.describe('Open: of the preview; closing: of the lines written so far; closed: final'),
});

const toV1 = (line: BillingLine): BillingLineV1 => BillingLineV1.parse(line);

/**
 * R18–R20, *cobrança*: the billing lines of each competência, for the provider's financial module.
 * Open months are a preview computed from the attachments and their history; closing a month
 * writes its lines for good and announces them.
 */
export function billingRoutes(app: HttpApp, ctx: SubscriptionsContext, settings: BillingSettings, closer: { kick(): void }): void {
  app.get('/v1/billing/lines', {
    schema: {
      tags,
      summary: 'The billing lines of a competência (R18): a preview while open, final once closed',
      description:
        'One line per package, reason and price: customer, service, package (id, description, version), products, the days it covers, unit price, amount and fiscal items adding up to the amount, the consent it traces to (R19). Not-billable lines (trial, zero_value, suspended_request, suspended_debt) carry the reason. Adjustment lines (R20) name the closed line they correct. Ordered by customer, then line id.',
      querystring: LinesQuery,
      response: { 200: z.object({ items: z.array(BillingLineV1), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => {
    const { period, cursor, limit, ...filter } = request.query;
    const page = await pageOfLines(ctx.db, settings, period, filter, limit, decodeCursor(cursor, LineCursor));
    return { items: page.items.map(toV1), nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/v1/billing/reports/unconsented', {
    schema: {
      tags,
      summary: 'Billable lines without consent (R19): charges that trace to no agreement',
      description:
        'The billable lines of a competência (open: a preview; closed: final) whose attachment carries no consent: paid packages attached before consent was recorded. Mandatory plan packages take the plan contract\'s consent and are never listed; free and not-billable lines neither. Same line shape, order and paging as GET /v1/billing/lines. What to do with each: record the customer\'s consent, or credit the charge.',
      querystring: UnconsentedQuery,
      response: { 200: z.object({ period: z.string(), items: z.array(BillingLineV1), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => {
    const { period, cursor, limit, customerId } = request.query;
    const page = await pageOfLines(ctx.db, settings, period, { customerId, consentMissing: true }, limit, decodeCursor(cursor, LineCursor));
    return { period, items: page.items.map(toV1), nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/v1/billing/periods/:period', {
    schema: { tags, summary: 'A competência: open, closing or closed, and its totals by fiscal code', params: PeriodParams, response: { 200: PeriodResource } },
  }, async (request) => periodSummary(ctx.db, settings, request.params.period));

  app.post('/v1/billing/periods/:period/close', {
    schema: {
      tags,
      summary: 'Close a competência (R20): its lines become final and go to the financial module',
      description: [
        'Accepted (202, `Location` the period): the close runs as a job, the period `closing` until every line is written, then `closed` with its totals (poll GET /v1/billing/periods/{period}). The job writes the lines batch after batch of customers (with the adjustments correcting earlier closed months), each batch in one transaction, and survives a restart; each written line then goes on the bus as subscriptions.billing-line.closed.v1 (its id is the de-duplication id), and subscriptions.billing-period.closed.v1 announces the totals once closed. Asking again while it closes answers the same. Refusals (409):',
        '- SUBSCRIPTIONS_BILLING_PERIOD_NOT_ENDED: the current month or a later one;',
        '- SUBSCRIPTIONS_BILLING_PERIOD_CLOSED: already closed (closing twice changes nothing);',
        '- SUBSCRIPTIONS_BILLING_CLOSE_RUNNING: another competência is being closed;',
        '- SUBSCRIPTIONS_BILLING_PERIOD_OUT_OF_ORDER: months close in order, the one after the last closed first.',
        'Safe to retry with an Idempotency-Key.',
      ].join('\n'),
      params: PeriodParams,
      headers: IdempotentHeaders,
      response: { 202: PeriodResource },
    },
  }, async (request, reply) => {
    reply.header('location', `/v1/billing/periods/${request.params.period}`);
    const answer = await idempotent(ctx, request, reply, 'close-billing-period', request.params, 202, (idempotency) =>
      requestClose(ctx, settings, request.params.period, { actor: actorOf(request), idempotency }),
    );
    closer.kick();
    return answer;
  });

  app.get('/v1/billing/periods/:period/export', {
    schema: {
      tags,
      summary: 'Every line of a competência, streamed: NDJSON (one BillingLineV1 a line) or CSV',
      description:
        'Streamed in constant memory, in (customer, line id) order. CSV: UTF-8 with a byte-order mark, a header row, `;` as separator, rows ending in LF, and amounts in reais with a decimal comma (12,34), as spreadsheets in pt-BR open them; fiscal items as `kind:code=amount` joined by `|`; a field holding `;`, `"` or a line break is quoted, an empty text is `""` and a missing value empty; a text typed by people that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `\'` (so a spreadsheet does not run it as a formula).',
      params: PeriodParams,
      querystring: z.object({ format: z.enum(['ndjson', 'csv']).default('ndjson') }),
      produces: ['application/x-ndjson', 'text/csv'],
      response: { 200: z.string().describe('application/x-ndjson or text/csv') },
    },
  }, async (request, reply) => {
    const { period } = request.params;
    const csv = request.query.format === 'csv';
    // A closed month's lines come as PostgreSQL formats them (COPY); an open month's preview is computed here.
    const closed = (await closedPeriod(ctx.db, period)) !== null;
    const body = Readable.from(
      (async function* () {
        if (csv) yield '\ufeff';
        if (closed) {
          yield* ctx.copyOut(closedLinesCopy(period, csv ? 'csv' : 'ndjson'));
          return;
        }
        if (csv) yield `${csvHeader()}\n`;
        for await (const line of periodLines(ctx.db, settings, period, {})) yield csv ? `${csvRow(line)}\n` : `${JSON.stringify(toV1(line))}\n`;
      })(),
    );
    return reply
      .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="billing-${period}.${csv ? 'csv' : 'ndjson'}"`)
      // A stream is piped as it is: the response schema only documents it.
      .send(body as unknown as string);
  });

  app.get('/v1/customers/:id/charges', {
    schema: {
      tags,
      summary: 'One customer\'s billing lines in a competência: "why was I charged R$ X"',
      params: z.object({ id: Id }),
      querystring: z.object({ period: Period }),
      response: { 200: z.object({ customerId: Id, period: z.string(), totals: BillingTotalsV1, items: z.array(BillingLineV1) }) },
    },
  }, async (request) => {
    const customer = await ctx.db.customer.findUnique({ where: { id: request.params.id }, select: { id: true } });
    if (!customer) throw customerNotFound(request.params.id);
    const items: BillingLine[] = [];
    for await (const line of periodLines(ctx.db, settings, request.query.period, { customerId: customer.id })) items.push(line);
    return { customerId: customer.id, period: request.query.period, totals: totalsOf(items), items: items.map(toV1) };
  });
}
