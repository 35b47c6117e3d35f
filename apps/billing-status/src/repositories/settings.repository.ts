import type { BillingDb, Tx } from '../context.ts';
import type { BillingSettings } from '../domain/settings.ts';

/** The settings as an operator sees them: values, whether they were saved, and their version. */
export interface StoredSettings extends BillingSettings {
  /** `stored`: saved through the API; `defaults`: from the configuration, never saved. */
  readonly source: 'stored' | 'defaults';
  /** 0 until first saved; +1 on every save. */
  readonly version: number;
  readonly updatedAt: Date | null;
}

const SETTINGS_ID = 1;

/** The settings in force: the saved row, or the configured defaults when none was saved. */
export async function readSettings(client: BillingDb | Tx, defaults: BillingSettings): Promise<StoredSettings> {
  const row = await client.billingSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (!row) return { ...defaults, source: 'defaults', version: 0, updatedAt: null };
  return {
    graceDays: row.graceDays,
    maxTrustUnblockDays: row.maxTrustUnblockDays,
    dailyEvaluationTime: row.dailyEvaluationTime,
    timeZone: row.timeZone,
    source: 'stored',
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

/** Save the settings (one row), bumping the version. Call inside a transaction. */
export async function writeSettings(tx: Tx, settings: BillingSettings, now: Date): Promise<StoredSettings> {
  const data = {
    graceDays: settings.graceDays,
    maxTrustUnblockDays: settings.maxTrustUnblockDays,
    dailyEvaluationTime: settings.dailyEvaluationTime,
    timeZone: settings.timeZone,
    updatedAt: now,
  };
  const row = await tx.billingSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...data, version: 1 },
    update: { ...data, version: { increment: 1 } },
  });
  return { ...settings, source: 'stored', version: row.version, updatedAt: row.updatedAt };
}
