import { BillingLineV1, BillingPeriodClosedV1, BillingTotalsV1, type InvoiceFactV1 } from '@sva/contracts';
import { DomainError, UnavailableError, type FieldIssue } from '@sva/kernel';
import { z } from 'zod';

/**
 * The simulator's calls to the platform, over the services' public HTTP APIs with the operator
 * API key: subscriptions (close a competência, read it, export its lines) and billing-status
 * (invoice facts, invoices).
 */

export interface ServiceUrls {
  readonly subscriptions: string;
  readonly billing: string;
}

const Problem = z.object({ status: z.number().int(), code: z.string().optional(), detail: z.string().optional(), errors: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).loose();

export const PeriodResource = z.object({
  period: z.string(),
  status: z.enum(['open', 'closing', 'closed']),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  totals: BillingTotalsV1,
});
export type PeriodResource = z.infer<typeof PeriodResource>;

export const InvoiceResource = z.object({
  id: z.string(),
  customerId: z.string(),
  status: z.enum(['awaiting_issue', 'open', 'paid', 'cancelled']),
  amountCents: z.number().int().nullable(),
  dueDate: z.string().nullable(),
  paidOn: z.string().nullable(),
}).loose();
export type InvoiceResource = z.infer<typeof InvoiceResource>;

export const FactOutcome = z.object({
  recorded: z.boolean(),
  invoice: InvoiceResource,
  standing: z.object({ customerId: z.string(), standing: z.enum(['good', 'delinquent']), reason: z.string() }).loose(),
});
export type FactOutcome = z.infer<typeof FactOutcome>;

/**
 * A refusal a service answered (4xx problem+json), passed on as it came: same status, code,
 * detail and fields. A 5xx or no answer at all is `SIMULATOR_UPSTREAM_UNAVAILABLE` (503).
 */
export class UpstreamRefusal extends DomainError {
  override readonly name = 'UpstreamRefusal';
  constructor(
    readonly service: string,
    status: number,
    code: string,
    detail: string,
    fields: readonly FieldIssue[],
  ) {
    super(code, `${service}: ${detail}`, { status, fields });
  }
}

export interface PlatformClient {
  period(period: string): Promise<PeriodResource>;
  /**
   * Close a competência and wait for its close job to finish; `alreadyClosed` when it was (the
   * refusal SUBSCRIPTIONS_BILLING_PERIOD_CLOSED).
   */
  close(period: string, idempotencyKey: string): Promise<{ closed: BillingPeriodClosedV1 | null; alreadyClosed: boolean; replayed: boolean }>;
  /** Every line of a competência, streamed from the NDJSON export and checked against the contract. */
  lines(period: string): AsyncGenerator<BillingLineV1>;
  sendFact(fact: InvoiceFactV1): Promise<FactOutcome>;
  invoice(invoiceId: string): Promise<InvoiceResource | null>;
}

export function platformClient(urls: ServiceUrls, apiKey: string, timeoutMs = 30_000, closeTimeoutMs = 600_000): PlatformClient {
  const call = async (service: 'subscriptions' | 'billing-status', url: string, init: RequestInit = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { authorization: `Bearer ${apiKey}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new UnavailableError('SIMULATOR_UPSTREAM_UNAVAILABLE', `${service} did not answer (${url}): ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (response.ok) return response;
    const text = await response.text();
    if (response.status >= 500) throw new UnavailableError('SIMULATOR_UPSTREAM_UNAVAILABLE', `${service} answered ${response.status} (${url})`);
    const problem = Problem.safeParse(safeJson(text));
    const body = problem.success ? problem.data : { status: response.status };
    throw new UpstreamRefusal(service, response.status, body.code ?? 'SIMULATOR_UPSTREAM_REFUSED', body.detail ?? `answered ${response.status}`, body.errors ?? []);
  };
  const json = async <S extends z.ZodType>(schema: S, response: Response, service: string): Promise<z.output<S>> => {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new UnavailableError('SIMULATOR_UPSTREAM_BAD_ANSWER', `${service} answered a body the simulator does not understand: ${parsed.error.message}`);
    return parsed.data;
  };
  const sub = (path: string) => `${urls.subscriptions}${path}`;
  const bill = (path: string) => `${urls.billing}${path}`;

  const periodOf = async (period: string) => json(PeriodResource, await call('subscriptions', sub(`/v1/billing/periods/${encodeURIComponent(period)}`)), 'subscriptions');

  return {
    period: periodOf,
    async close(period, idempotencyKey) {
      try {
        const response = await call('subscriptions', sub(`/v1/billing/periods/${encodeURIComponent(period)}/close`), { method: 'POST', headers: { 'idempotency-key': idempotencyKey } });
        await json(PeriodResource, response, 'subscriptions');
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        // Accepted (202): the close runs as a job in subscriptions; its period says when it is done.
        const deadline = Date.now() + closeTimeoutMs;
        for (let wait = 50; ; wait = Math.min(1_000, wait * 2)) {
          const summary = await periodOf(period);
          if (summary.status === 'closed' && summary.closedAt) {
            return { closed: BillingPeriodClosedV1.parse({ period, closedAt: summary.closedAt, closedBy: summary.closedBy ?? '', totals: summary.totals }), alreadyClosed: false, replayed };
          }
          if (Date.now() > deadline) throw new UnavailableError('SIMULATOR_CLOSE_STILL_RUNNING', `subscriptions is still closing ${period} after ${closeTimeoutMs} ms; ask again later`);
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      } catch (error) {
        if (error instanceof UpstreamRefusal && error.code === 'SUBSCRIPTIONS_BILLING_PERIOD_CLOSED') return { closed: null, alreadyClosed: true, replayed: false };
        throw error;
      }
    },
    async *lines(period) {
      const response = await call('subscriptions', sub(`/v1/billing/periods/${encodeURIComponent(period)}/export?format=ndjson`));
      if (!response.body) return;
      let buffered = '';
      let lineNumber = 0;
      const parse = (text: string) => {
        lineNumber += 1;
        const parsed = BillingLineV1.safeParse(safeJson(text));
        if (!parsed.success) throw new UnavailableError('SIMULATOR_UPSTREAM_BAD_ANSWER', `export line ${lineNumber} is not a BillingLineV1: ${parsed.error.message}`);
        return parsed.data;
      };
      // A reader loop rather than `for await` over the stream: the DOM typings (the console's
      // browser tests compile this file too) do not declare ReadableStream async-iterable.
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        buffered += next.value;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const text = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (text.trim()) yield parse(text);
        }
      }
      if (buffered.trim()) yield parse(buffered);
    },
    async sendFact(fact) {
      return json(FactOutcome, await call('billing-status', bill('/v1/invoice-facts'), { method: 'POST', body: JSON.stringify(fact) }), 'billing-status');
    },
    async invoice(invoiceId) {
      try {
        return await json(InvoiceResource, await call('billing-status', bill(`/v1/invoices/${encodeURIComponent(invoiceId)}`)), 'billing-status');
      } catch (error) {
        if (error instanceof UpstreamRefusal && error.status === 404) return null;
        throw error;
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
