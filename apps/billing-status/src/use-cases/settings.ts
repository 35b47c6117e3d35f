import type { BillingContext } from '../context.ts';
import type { BillingSettings } from '../domain/settings.ts';
import { readSettings, writeSettings, type StoredSettings } from '../repositories/settings.repository.ts';

/** The provider settings in force (saved, or the configured defaults). */
export function getSettings(ctx: BillingContext): Promise<StoredSettings> {
  return readSettings(ctx.db, ctx.defaultSettings);
}

/**
 * Save the provider settings. They apply to every judgement from now on: each customer's next
 * fact, and the next daily evaluation for everybody (run one now with `POST
 * /v1/daily-evaluations` to apply a new grace period at once).
 */
export function saveSettings(ctx: BillingContext, settings: BillingSettings): Promise<StoredSettings> {
  return ctx.transaction((tx) => writeSettings(tx, settings, ctx.clock.now()));
}
