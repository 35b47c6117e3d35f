import type { InvoiceFactV1 } from '@sva/contracts';
import type { BillingContext } from '../context.ts';
import { factConflict } from '../domain/errors.ts';
import { applyFact, factKey, invoiceStatus, normaliseFact, sameFact, type InvoiceState, type InvoiceStatus } from '../domain/invoice.ts';
import { goodReason, type StandingRecord } from '../domain/standing.ts';
import { findFact, insertFact, lockInvoice, saveInvoice } from '../repositories/invoice.repository.ts';
import { readSettings } from '../repositories/settings.repository.ts';
import { ensureStandings, lockStandings } from '../repositories/standing.repository.ts';
import { judgeCustomers } from './judge-customers.ts';

/** What recording a fact did. */
export interface FactOutcome {
  /** False when the same fact was recorded before (a retry or redelivery): nothing changed. */
  readonly recorded: boolean;
  readonly invoice: InvoiceState & { readonly status: InvoiceStatus };
  readonly standing: StandingRecord;
}

/**
 * Record an invoice fact from the financial system (HTTP or bus, same contract) and re-judge the
 * customer's standing (R16). Idempotent by (invoice, kind, occurredAt): the same fact again
 * changes nothing; a different one with the same identity is refused (`BILLING_FACT_CONFLICT`).
 * Facts may arrive in any order (see `applyFact`). A change of standing is written with its
 * event in the same transaction.
 */
export async function recordInvoiceFact(ctx: BillingContext, input: InvoiceFactV1, source: 'http' | 'bus'): Promise<FactOutcome> {
  const fact = normaliseFact(input);
  return ctx.transaction(async (tx) => {
    const now = ctx.clock.now();
    const settings = await readSettings(tx, ctx.defaultSettings);
    // The customer's lock comes first, as everywhere: it serialises this with evaluations.
    await ensureStandings(tx, [fact.customerId], goodReason(settings.graceDays), now);
    const [locked] = await lockStandings(tx, [fact.customerId]);
    const existing = await lockInvoice(tx, fact.invoiceId);
    const previous = await findFact(tx, factKey(fact));
    if (previous) {
      if (!sameFact(previous.payload, fact)) throw factConflict(fact.invoiceId, fact.fact, fact.occurredAt);
      // A repeat: answer as the first time did, from what is stored.
      return { recorded: false, invoice: withStatus(existing!), standing: locked! };
    }
    const state = applyFact(existing, fact);
    await saveInvoice(tx, state, existing !== null, now);
    await insertFact(tx, fact, source, now);
    const report = await judgeCustomers(tx, [fact.customerId], settings, now);
    return { recorded: true, invoice: withStatus(state), standing: report.records.get(fact.customerId)! };
  });
}

const withStatus = (state: InvoiceState) => ({ ...state, status: invoiceStatus(state) });
