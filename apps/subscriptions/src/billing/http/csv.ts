import type { BillingLine } from '../domain/billing-lines.ts';

const COLUMNS = [
  'line_id', 'period', 'kind', 'customer_id', 'customer_code', 'service_id', 'attachment_id', 'package_id', 'package_description', 'package_version',
  'period_start', 'period_end', 'days', 'days_in_period', 'unit_price_brl', 'amount_brl', 'billable', 'not_billable_reason', 'fiscal_items',
  'consent_source', 'consent_channel', 'consent_at', 'consent_by', 'consent_reference', 'corrects_line_id', 'corrects_period',
] as const;

/** Cents as reais with a decimal comma: -1500 → `-15,00`. */
export function brl(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** A CSV field: quoted when it holds the separator, a quote or a line break; a leading formula character is neutralised. */
function field(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (): string => COLUMNS.join(';');

export function csvRow(line: BillingLine): string {
  return [
    line.id, line.period, line.kind, line.customerId, line.customerCode, line.serviceId, line.attachmentId, line.packageId, line.packageDescription, line.packageVersion,
    line.periodStart, line.periodEnd, line.days, line.daysInPeriod, brl(line.unitPriceCents), brl(line.amountCents), line.billable, line.notBillableReason,
    line.fiscalItems.map((item) => `${item.kind}:${item.serviceCode}=${brl(item.amountCents)}`).join('|'),
    line.consent?.source ?? null, line.consent?.channel ?? null, line.consent?.at ?? null, line.consent?.by ?? null, line.consent?.reference ?? null,
    line.correctsLineId, line.correctsPeriod,
  ].map((value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : field(value))).join(';');
}
