import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';
import { isTimeZone, TIME_OF_DAY } from './domain/settings.ts';

/** Everything billing-status needs to run. Built from the environment by `loadConfig`, or by hand. */
export interface BillingConfig extends BaseConfig {
  readonly database: DatabaseConfig;
  readonly apiKeys: readonly string[];
  /**
   * Defaults of the provider settings (R16), used until an operator saves settings through
   * `PUT /v1/settings` (the database then wins). Days after the due date before an unpaid
   * invoice makes the customer delinquent.
   */
  readonly graceDays: number;
  /** Default: calendar dates (due dates, "today") and the evaluation time are read in this zone. */
  readonly timeZone: string;
  /** Default: the longest trust unblock an operator may grant (0 disables them). */
  readonly maxTrustUnblockDays: number;
  /** Default: `HH:MM` at which the daily evaluation runs, in `timeZone`. */
  readonly dailyEvaluationTime: string;
  /**
   * How often each replica checks whether the daily evaluation is due and whether a trust
   * unblock has run out. The pass itself runs once per day across replicas.
   */
  readonly schedulerIntervalMs: number;
  /** Customers judged per transaction by the daily evaluation. */
  readonly evaluationBatchSize: number;
  /** Batches of the daily evaluation judged at once (keep below the pool size). */
  readonly evaluationConcurrency: number;
}

/** The settings `loadConfig` defaults to, beyond the base ones, the database and the API keys (the embedded mode starts from these). */
export const billingDefaults = {
  graceDays: 5,
  timeZone: 'America/Sao_Paulo',
  maxTrustUnblockDays: 7,
  dailyEvaluationTime: '06:00',
  schedulerIntervalMs: 15_000,
  evaluationBatchSize: 2_000,
  evaluationConcurrency: 2,
} as const satisfies Partial<BillingConfig>;

const d = billingDefaults;
const Env = z.object({
  ...baseEnv('BILLING', 3003),
  ...databaseEnv('BILLING'),
  BILLING_API_KEYS: env.list().pipe(z.array(z.string().min(24, 'each key needs at least 24 characters')).min(1)),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(d.graceDays),
  BILLING_TIME_ZONE: z.string().default(d.timeZone).refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo'),
  BILLING_MAX_TRUST_UNBLOCK_DAYS: z.coerce.number().int().min(0).max(365).default(d.maxTrustUnblockDays),
  BILLING_DAILY_EVALUATION_TIME: z.string().regex(TIME_OF_DAY, 'must be HH:MM (24 h), e.g. 06:00').default(d.dailyEvaluationTime),
  BILLING_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(d.schedulerIntervalMs),
  BILLING_EVALUATION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(d.evaluationBatchSize),
  BILLING_EVALUATION_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(d.evaluationConcurrency),
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
    maxTrustUnblockDays: e.BILLING_MAX_TRUST_UNBLOCK_DAYS,
    dailyEvaluationTime: e.BILLING_DAILY_EVALUATION_TIME,
    schedulerIntervalMs: e.BILLING_SCHEDULER_INTERVAL_MS,
    evaluationBatchSize: e.BILLING_EVALUATION_BATCH_SIZE,
    evaluationConcurrency: e.BILLING_EVALUATION_CONCURRENCY,
  };
}
