import type { Consent, ConsentChannel } from '../domain/billing-lines.ts';

/** The `service_package` columns of a consent (R19). */
export function consentColumns(consent: Consent | null) {
  return {
    consentSource: consent?.source ?? null,
    consentChannel: consent?.channel ?? null,
    consentAt: consent ? new Date(consent.at) : null,
    consentBy: consent?.by ?? null,
    consentReference: consent?.reference ?? null,
  };
}

/**
 * The consent a line traces to (R19): the one stored with the attachment; for a package the
 * service's plan gave (R11), the plan contract's, dated when it was attached; otherwise none
 * (free packages, and paid ones attached before consent was recorded — the report lists those).
 */
export function consentOf(row: {
  consentSource: string | null;
  consentChannel: string | null;
  consentAt: Date | null;
  consentBy: string | null;
  consentReference: string | null;
  fromPlan: boolean;
  attachedAt: Date;
}): Consent | null {
  if (row.consentSource && row.consentAt) {
    return {
      source: row.consentSource === 'plan_contract' ? 'plan_contract' : 'customer',
      channel: (row.consentChannel as ConsentChannel | null) ?? null,
      at: row.consentAt.toISOString(),
      by: row.consentBy,
      reference: row.consentReference,
    };
  }
  if (row.fromPlan) return { source: 'plan_contract', channel: null, at: row.attachedAt.toISOString(), by: null, reference: null };
  return null;
}
