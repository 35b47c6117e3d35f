import { InvoiceFactV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, newCustomer, startBilling, type BillingHarness } from './support.ts';

/** Issue 11 §1: inputs that used to reach PostgreSQL and come back as 500 are a 400 problem. */
describe('billing-status: no 500 for bad input, on real PostgreSQL', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBilling();
  });
  afterAll(() => h?.stop());

  const post = (body: string) =>
    fetch(`${h.url}/v1/invoice-facts`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body });
  const issued = (invoiceId: string, amountCents = 9_990) =>
    JSON.stringify({ fact: 'issued', invoiceId, customerId: newCustomer(), amountCents, dueDate: '2026-12-10', occurredAt: '2026-11-20T12:00:00Z' });

  it.each([
    ['a lone surrogate (was 500: "invalid input syntax for type json")', 'INV-\ud800'],
    ['a NUL (was 500: SQLSTATE 22021)', 'INV-\u0000'],
  ])('when an invoice id holds %s, then 400 names body.invoiceId', async (_what, invoiceId) => {
    const response = await post(issued(invoiceId));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([expect.objectContaining({ path: 'body.invoiceId' })]);
    // The same contract guards the finance.invoice.* subjects.
    expect(InvoiceFactV1.safeParse(JSON.parse(issued(invoiceId))).success).toBe(false);
  });

  it('when an invoice id in the path holds %00, then 400', async () => {
    expect((await h.call('GET', '/v1/invoices/INV%00')).status).toBe(400);
  });

  it('when an amount exceeds 2^31-1 cents, then 400 names body.amountCents', async () => {
    const response = await post(issued('INV-BIG', 2 ** 31));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([expect.objectContaining({ path: 'body.amountCents' })]);
  });
});
