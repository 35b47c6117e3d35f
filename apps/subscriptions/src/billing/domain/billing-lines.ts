import { allocateLargestRemainder } from '@sva/kernel';
import { calendarDate } from '../../domain/calendar.ts';
import type { ServiceStatus } from '../../domain/service-status.ts';
import { lineId } from './line-id.ts';
import { daysInPeriod, daysOf, type Period } from './period.ts';

/**
 * R18, *cobrança*: what each package on a customer service is billed for in a competência.
 * Pure: the facts come in, the lines go out; time zones and settings are parameters.
 */

/** The provider's billing settings. */
export interface BillingSettings {
  /** The provider's time zone: a competência is a calendar month there. */
  readonly timeZone: string;
  /** Prorate by days held (on) or bill the whole month for any billable day (off). */
  readonly dailyProration: boolean;
  /** Whether days suspended for debt are billed (default: yes). */
  readonly billDebtSuspension: boolean;
}

/** Why a line is not billed. */
export const NOT_BILLABLE_REASONS = ['trial', 'zero_value', 'suspended_request', 'suspended_debt'] as const;
export type NotBillableReason = (typeof NOT_BILLABLE_REASONS)[number];

/** R19: how the customer agreed to a paid package. */
export const CONSENT_CHANNELS = ['in_person', 'phone', 'app', 'signed_contract'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** R19: the consent a charge traces to: the customer's own, or the plan contract's (mandatory packages). */
export interface Consent {
  readonly source: 'customer' | 'plan_contract';
  readonly channel: ConsentChannel | null;
  /** ISO timestamp. */
  readonly at: string;
  readonly by: string | null;
  readonly reference: string | null;
}

/** A value in force from `at` on. */
export interface Timed<T> {
  readonly at: Date;
  readonly value: T;
}

/** One part of a package's fiscal composition, with the cents it accounts for at the package price (its weight). */
export interface FiscalShare {
  readonly kind: string;
  readonly serviceCode: string;
  readonly weightCents: number;
}

export interface FiscalItem {
  readonly kind: string;
  readonly serviceCode: string;
  readonly amountCents: number;
}

/** The products a package grants on one integration. */
export interface IntegrationProducts {
  readonly integrationId: string;
  readonly productCodes: readonly string[];
}

/** Everything that decides one attachment's lines: its life, its prices, its service's statuses. */
export interface AttachmentFacts {
  readonly attachmentId: string;
  readonly customerId: string;
  readonly customerCode: string | null;
  readonly serviceId: string;
  readonly packageId: string;
  readonly packageDescription: string;
  readonly packageVersion: number | null;
  readonly integrationProducts: readonly IntegrationProducts[];
  readonly attachedAt: Date;
  readonly detachedAt: Date | null;
  /** R11: the package is free before this instant. */
  readonly trialEndsAt: Date | null;
  /** The attachment's price (R7) over time, oldest first; the first is the price it was attached with. */
  readonly prices: readonly Timed<number>[];
  /** The service's status over time, oldest first, from its creation. */
  readonly statuses: readonly Timed<ServiceStatus>[];
  /** The package's fiscal composition (snapshot taken when the line is computed, frozen at close). */
  readonly composition: readonly FiscalShare[];
  readonly consent: Consent | null;
}

export type LineKind = 'charge' | 'adjustment';

/** A billable (or not billable, with the reason) line of a competência. */
export interface BillingLine {
  /** Deterministic: the same inputs give the same id. */
  readonly id: string;
  readonly period: Period;
  readonly kind: LineKind;
  readonly customerId: string;
  readonly customerCode: string | null;
  readonly serviceId: string;
  readonly attachmentId: string;
  readonly packageId: string;
  readonly packageDescription: string;
  readonly packageVersion: number | null;
  readonly integrationProducts: readonly IntegrationProducts[];
  /** First and last local day the line covers (`YYYY-MM-DD`). */
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Days the line counts; with proration the quantity, over `daysInPeriod`. */
  readonly days: number;
  readonly daysInPeriod: number;
  readonly unitPriceCents: number;
  readonly amountCents: number;
  readonly billable: boolean;
  readonly notBillableReason: NotBillableReason | null;
  readonly fiscalItems: readonly FiscalItem[];
  readonly consent: Consent | null;
  /** Adjustments (R20): the closed line this one corrects, and its period. */
  readonly correctsLineId: string | null;
  readonly correctsPeriod: Period | null;
}

/** Statuses during which the package is held (awaiting installation and cancelled are not). */
const HELD: ReadonlySet<ServiceStatus> = new Set(['enabled', 'suspended_debt', 'suspended_request']);

/**
 * The composition of a package announced before compositions were published: the whole price as
 * SVA under LC 116 item 1.09, the catalog's own default (R5).
 */
const FALLBACK_COMPOSITION: readonly FiscalShare[] = [{ kind: 'sva', serviceCode: '1.09', weightCents: 1 }];

/** A timeline with each entry's local day (`YYYY-MM-DD`), worked out once per attachment rather than once per day. */
type LocalTimeline<T> = readonly { readonly day: string; readonly value: T }[];

function localTimeline<T>(timeline: readonly Timed<T>[], timeZone: string): LocalTimeline<T> {
  return timeline.map((entry) => ({ day: calendarDate(entry.at, timeZone), value: entry.value }));
}

/** The value in force at the end of local day `day` (the last one that started on or before it). */
function valueOn<T>(timeline: LocalTimeline<T>, day: string): T | undefined {
  let found: T | undefined;
  for (const entry of timeline) {
    if (entry.day <= day) found = entry.value;
    else break;
  }
  return found;
}

/**
 * R18: split `amountCents` into the fiscal items of `composition` by the largest-remainder
 * method, so they add up to the amount to the cent. A negative amount (a credit) splits like its
 * absolute value, negated.
 */
export function fiscalItemsOf(amountCents: number, composition: readonly FiscalShare[]): FiscalItem[] {
  const shares = composition.some((share) => share.weightCents > 0) ? composition : FALLBACK_COMPOSITION;
  const split = allocateLargestRemainder(Math.abs(amountCents), shares.map((share) => share.weightCents));
  const sign = amountCents < 0 ? -1 : 1;
  return shares.map((share, index) => ({ kind: share.kind, serviceCode: share.serviceCode, amountCents: sign * (split[index] ?? 0) || 0 }));
}

/** Half-up rounding of `price × days / daysInMonth` in integers. */
function prorate(priceCents: number, days: number, monthDays: number): number {
  return Math.floor((2 * priceCents * days + monthDays) / (2 * monthDays));
}

interface DayGroup {
  reason: NotBillableReason | null;
  priceCents: number;
  days: string[];
}

/**
 * R18: the lines of one attachment in a competência. Each day of the month is judged by the state
 * at its end (local time): the day a package is attached counts, the day it is detached does not.
 * A day counts only while the service is held (enabled or suspended), and a trial package only
 * until its trial ends (R11: it is removed then, never charged). Not billable, with the
 * reason, in this order: trial days (R11), days suspended at the customer's request, days
 * suspended for debt when the provider does not bill them, zero-value days (a benefit, or
 * included in the plan price). One line per reason and price; with daily proration each billable
 * line is `price × days / days in month`, rounded half up; without it, the billable days make one
 * line at the last billable day's price for the whole month.
 */
export function linesForAttachment(period: Period, facts: AttachmentFacts, settings: BillingSettings): BillingLine[] {
  const { timeZone } = settings;
  const attachedOn = calendarDate(facts.attachedAt, timeZone);
  const trialUntil = facts.trialEndsAt ? calendarDate(facts.trialEndsAt, timeZone) : null;
  // R11: a trial package is removed at its trial's end, so that is its last moment held even when
  // the trial sweep removes it later (it was late, or a customer's step kept failing): the days
  // between are neither trial nor billable, they are not held at all (the gateway already denies
  // them as `trial_ended`). A trial package is never charged.
  const removedOn = facts.detachedAt ? calendarDate(facts.detachedAt, timeZone) : null;
  const detachedOn = trialUntil !== null && (removedOn === null || trialUntil < removedOn) ? trialUntil : removedOn;
  const firstPrice = facts.prices[0]?.value ?? 0;
  const statuses = localTimeline(facts.statuses, timeZone);
  const prices = localTimeline(facts.prices, timeZone);

  const groups = new Map<string, DayGroup>();
  let lastKey: string | null = null;
  let lastGroup: DayGroup | undefined;
  for (const day of daysOf(period)) {
    if (day < attachedOn || (detachedOn !== null && day >= detachedOn)) continue;
    const status = valueOn(statuses, day);
    if (status === undefined || !HELD.has(status)) continue;
    const priceCents = valueOn(prices, day) ?? firstPrice;
    const reason: NotBillableReason | null =
      trialUntil !== null && day < trialUntil
        ? 'trial'
        : status === 'suspended_request'
          ? 'suspended_request'
          : status === 'suspended_debt' && !settings.billDebtSuspension
            ? 'suspended_debt'
            : priceCents === 0
              ? 'zero_value'
              : null;
    const key = `${reason ?? 'billable'}|${settings.dailyProration || reason !== null ? priceCents : 'month'}`;
    // Most days belong to the same group as the day before: look the group up only on a change.
    let group: DayGroup | undefined = lastKey === key ? lastGroup : groups.get(key);
    if (!group) {
      group = { reason, priceCents, days: [] };
      groups.set(key, group);
    }
    group.priceCents = priceCents; // without proration: the last billable day's price
    group.days.push(day);
    [lastKey, lastGroup] = [key, group];
  }

  const monthDays = daysInPeriod(period);
  return [...groups.values()]
    .sort((a, b) => (a.days[0]! < b.days[0]! ? -1 : a.days[0]! > b.days[0]! ? 1 : 0))
    .map((group) => {
      const billable = group.reason === null;
      const amountCents = !billable ? 0 : settings.dailyProration ? prorate(group.priceCents, group.days.length, monthDays) : group.priceCents;
      return {
        id: lineId(`${period}|charge|${facts.attachmentId}|${group.reason ?? 'billable'}|${group.priceCents}`),
        period,
        kind: 'charge' as const,
        customerId: facts.customerId,
        customerCode: facts.customerCode,
        serviceId: facts.serviceId,
        attachmentId: facts.attachmentId,
        packageId: facts.packageId,
        packageDescription: facts.packageDescription,
        packageVersion: facts.packageVersion,
        integrationProducts: facts.integrationProducts,
        periodStart: group.days[0]!,
        periodEnd: group.days[group.days.length - 1]!,
        days: group.days.length,
        daysInPeriod: monthDays,
        unitPriceCents: group.priceCents,
        amountCents,
        billable,
        notBillableReason: group.reason,
        fiscalItems: fiscalItemsOf(amountCents, facts.composition),
        consent: facts.consent,
        correctsLineId: null,
        correctsPeriod: null,
      };
    });
}

/**
 * R20: the adjustment lines, in the open period `target`, that bring a closed period `corrected`
 * in line with what it should have been. `billed` are the closed period's charge lines plus any
 * adjustments later closed periods already made to them; `recomputed` are its lines computed
 * again from today's facts. Each line whose billed amount differs gets one adjustment (a debit
 * when more is owed, a credit when less), naming the line it corrects — for a line that should
 * have existed and did not, the id it would have had. Closed lines themselves are never changed.
 */
export function adjustmentLines(target: Period, corrected: Period, billed: readonly BillingLine[], recomputed: readonly BillingLine[]): BillingLine[] {
  const originals = new Map<string, BillingLine>();
  const billedCents = new Map<string, number>();
  for (const line of billed) {
    const key = line.kind === 'charge' ? line.id : line.correctsLineId;
    if (key === null || (line.kind === 'charge' ? line.period : line.correctsPeriod) !== corrected) continue;
    if (line.kind === 'charge') originals.set(key, line);
    billedCents.set(key, (billedCents.get(key) ?? 0) + line.amountCents);
  }
  const now = new Map(recomputed.map((line) => [line.id, line]));
  const keys = [...new Set([...billedCents.keys(), ...now.keys()])].sort();
  const out: BillingLine[] = [];
  for (const key of keys) {
    const should = now.get(key);
    const delta = (should?.amountCents ?? 0) - (billedCents.get(key) ?? 0);
    const basis = should ?? originals.get(key);
    if (delta === 0 || !basis) continue;
    out.push({
      ...basis,
      id: lineId(`${target}|adjustment|${key}`),
      period: target,
      kind: 'adjustment',
      amountCents: delta,
      billable: true,
      notBillableReason: null,
      fiscalItems: fiscalItemsOf(delta, basis.fiscalItems.map((item) => ({ kind: item.kind, serviceCode: item.serviceCode, weightCents: Math.abs(item.amountCents) }))),
      correctsLineId: key,
      correctsPeriod: corrected,
    });
  }
  return out;
}

/** Totals of a set of lines: counts, billable amount, and billable amount by fiscal code. */
export interface LineTotals {
  readonly lines: number;
  readonly billableLines: number;
  readonly billableCents: number;
  readonly byFiscalCode: FiscalItem[];
}

/** No lines at all. */
export const NO_TOTALS: LineTotals = { lines: 0, billableLines: 0, billableCents: 0, byFiscalCode: [] };

/** The totals the close answers and announces. Fiscal codes are ordered by kind, then code. */
export function totalsOf(lines: Iterable<Pick<BillingLine, 'billable' | 'amountCents' | 'fiscalItems'>>): LineTotals {
  return addToTotals(NO_TOTALS, lines);
}

/** `totals` with `lines` added: how a close (batch after batch) and an open month's preview sum their lines. */
export function addToTotals(totals: LineTotals, lines: Iterable<Pick<BillingLine, 'billable' | 'amountCents' | 'fiscalItems'>>): LineTotals {
  let count = totals.lines;
  let billableLines = totals.billableLines;
  let billableCents = totals.billableCents;
  const key = (item: FiscalItem) => `${item.kind}|${item.serviceCode}`;
  const byCode = new Map<string, FiscalItem>(totals.byFiscalCode.map((item) => [key(item), item]));
  for (const line of lines) {
    count += 1;
    if (!line.billable) continue;
    billableLines += 1;
    billableCents += line.amountCents;
    for (const item of line.fiscalItems) {
      byCode.set(key(item), { kind: item.kind, serviceCode: item.serviceCode, amountCents: (byCode.get(key(item))?.amountCents ?? 0) + item.amountCents });
    }
  }
  const byFiscalCode = [...byCode.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
  return { lines: count, billableLines, billableCents, byFiscalCode };
}
