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

/**
 * A CSV field as PostgreSQL's CSV writes it (a closed month's export is written by its COPY):
 * quoted when it holds the separator, a quote or a line break, and when it is an empty text (a
 * missing value is empty).
 */
function field(text: string | null): string {
  if (text === null) return '';
  return text === '' || /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A text people typed: a leading formula character is neutralised, so a spreadsheet does not run it. */
const typed = (text: string | null): string | null => (text !== null && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

export const csvHeader = (): string => COLUMNS.join(';');

export function csvRow(line: BillingLine): string {
  const fiscalItems = line.fiscalItems.map((item) => `${item.kind}:${item.serviceCode}=${brl(item.amountCents)}`).join('|');
  return [
    line.id, line.period, line.kind, line.customerId, typed(line.customerCode), line.serviceId, line.attachmentId, line.packageId, typed(line.packageDescription),
    line.packageVersion === null ? null : String(line.packageVersion), line.periodStart, line.periodEnd, String(line.days), String(line.daysInPeriod),
    brl(line.unitPriceCents), brl(line.amountCents), String(line.billable), line.notBillableReason, fiscalItems === '' ? null : fiscalItems,
    line.consent?.source ?? null, line.consent?.channel ?? null, line.consent?.at ?? null, typed(line.consent?.by ?? null), typed(line.consent?.reference ?? null),
    line.correctsLineId, line.correctsPeriod,
  ].map(field).join(';');
}
