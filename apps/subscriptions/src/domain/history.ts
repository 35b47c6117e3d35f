/** What a history entry records. */
export const HISTORY_ACTIONS = [
  'customer_created',
  'service_created',
  'status_changed',
  'package_attached',
  'package_detached',
  'price_changed',
  'trial_exclusion_queued',
  'trial_platform_closed',
  'standing_changed',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One change to a customer: who did what, when, old and new values, and why. */
export interface HistoryEvent {
  readonly customerId: string;
  readonly serviceId?: string | null;
  readonly attachmentId?: string | null;
  readonly packageId?: string | null;
  readonly action: HistoryAction;
  readonly oldPriceCents?: number | null;
  readonly newPriceCents?: number | null;
  readonly oldStatus?: string | null;
  readonly newStatus?: string | null;
  readonly reason?: string | null;
  readonly actor: string;
  readonly at: Date;
}

/** Who acts when the service itself changes something (no operator involved). */
export const systemActors = {
  trialExpiry: 'system:trial-expiry',
  catalog: 'system:catalog',
  billing: 'system:billing-status',
} as const;

/** Who acts when the caller does not say (`X-Actor` absent): the API key holder. */
export const DEFAULT_ACTOR = 'api-key';

/**
 * Validate an `X-Actor` value: free text naming who acts (an operator's user name, a system),
 * 1–100 printable characters, no control characters; surrounding spaces are dropped. Returns
 * `null` when unacceptable. `system:` is reserved for this service's own actors.
 */
export function parseActor(raw: string | undefined): string | null {
  if (raw === undefined) return DEFAULT_ACTOR;
  const actor = raw.trim();
  if (actor.length === 0 || actor.length > 100) return null;
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(actor)) return null;
  if (actor.toLowerCase().startsWith('system:')) return null;
  return actor;
}
