import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';

/** Everything billing-status needs to run. Built from the environment by `loadConfig`, or by hand. */
export interface BillingConfig extends BaseConfig {
  readonly database: DatabaseConfig;
  readonly apiKeys: readonly string[];
  /** R16: days after the due date before an unpaid invoice makes the customer delinquent. */
  readonly graceDays: number;
  /** Calendar dates (due dates, "today") are read in this zone. */
  readonly timeZone: string;
}

const Env = z.object({
  ...baseEnv('BILLING', 3003),
  ...databaseEnv('BILLING'),
  BILLING_API_KEYS: env.list().pipe(z.array(z.string().min(24, 'each key needs at least 24 characters')).min(1)),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(5),
  BILLING_TIME_ZONE: z.string().default('America/Sao_Paulo').refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as America/Sao_Paulo'),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): BillingConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'BILLING'),
    database: readDatabaseConfig(e, 'BILLING'),
    apiKeys: e.BILLING_API_KEYS,
    graceDays: e.BILLING_GRACE_DAYS,
    timeZone: e.BILLING_TIME_ZONE,
  };
}
