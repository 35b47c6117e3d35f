import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';
import { isTimeZone } from './domain/calendar.ts';

/** Everything subscriptions needs to run. Built from the environment by `loadConfig`, or by hand (embedded mode, tests). */
export interface SubscriptionsConfig extends BaseConfig {
  readonly database: DatabaseConfig;
  /** Keys accepted on the operator API (`Authorization: Bearer …`). */
  readonly apiKeys: readonly string[];
  /** HMAC key for login keys and verifiers; shared with the gateway only (libs/contracts/src/login-keys.ts). */
  readonly loginHashKey: string;
  /** Previous login hash keys (`LOGIN_HASH_PREVIOUS_KEYS`): records they made are still found during a rotation (README "Rotating keys"). */
  readonly previousLoginHashKeys?: readonly string[];
  /** How long to wait for the catalog when a package or integration is not known yet. */
  readonly catalogTimeoutMs: number;
  /** Put every stored entitlement record back on the bus at start (rebuilds a lost bus state). */
  readonly republishOnStart: boolean;
  /** The provider's time zone: dates in explanations and history, months of the audit report. Default America/Sao_Paulo. */
  readonly timeZone?: string;
  /** R11: how often the trial-expiry job looks for ended trials. Default 60 s. */
  readonly trialSweepIntervalMs?: number;
  /** R17: standing changes applied per transaction (a burst is handled in batches). Default 250. */
  readonly standingBatchSize?: number;
  /** How long an `Idempotency-Key` is remembered. Default 24 h. */
  readonly idempotencyRetentionMs?: number;
  /** How long the gateway's individual decisions are kept (the monthly report's counts stay). Default 90 days. */
  readonly decisionRetentionMs?: number;
  /** R18: billing settings. Defaults: prorate by days, bill days suspended for debt, 2,000 customers per close step. */
  readonly billing?: { readonly dailyProration?: boolean; readonly billDebtSuspension?: boolean; readonly closeBatchSize?: number };
}

/** Defaults of the optional settings (the embedded mode and tests build configs by hand). */
export const subscriptionsDefaults = {
  timeZone: 'America/Sao_Paulo',
  trialSweepIntervalMs: 60_000,
  idempotencyRetentionMs: 24 * 3_600_000,
  decisionRetentionMs: 90 * 86_400_000,
  standingBatchSize: 250,
  dailyProration: true,
  billDebtSuspension: true,
  closeBatchSize: 2_000,
} as const;

const Env = z.object({
  ...baseEnv('SUBSCRIPTIONS', 3002),
  ...databaseEnv('SUBSCRIPTIONS'),
  SUBSCRIPTIONS_API_KEYS: env.list().pipe(z.array(z.string().min(24, 'each key needs at least 24 characters')).min(1)),
  LOGIN_HASH_KEY: env.secret(),
  LOGIN_HASH_PREVIOUS_KEYS: z.string().default('').pipe(env.list()).pipe(z.array(z.string().min(32, 'each key needs at least 32 characters'))),
  SUBSCRIPTIONS_CATALOG_TIMEOUT_MS: env.durationMs(3_000),
  REPUBLISH_ON_START: env.bool(false),
  SUBSCRIPTIONS_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo').default(subscriptionsDefaults.timeZone),
  SUBSCRIPTIONS_TRIAL_SWEEP_INTERVAL_MS: env.durationMs(subscriptionsDefaults.trialSweepIntervalMs),
  SUBSCRIPTIONS_STANDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2_000).default(subscriptionsDefaults.standingBatchSize),
  SUBSCRIPTIONS_IDEMPOTENCY_RETENTION_MS: env.durationMs(subscriptionsDefaults.idempotencyRetentionMs),
  SUBSCRIPTIONS_DECISION_RETENTION_MS: env.durationMs(subscriptionsDefaults.decisionRetentionMs),
  SUBSCRIPTIONS_BILLING_DAILY_PRORATION: env.bool(subscriptionsDefaults.dailyProration),
  SUBSCRIPTIONS_BILLING_BILL_DEBT_SUSPENSION: env.bool(subscriptionsDefaults.billDebtSuspension),
  SUBSCRIPTIONS_BILLING_CLOSE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(subscriptionsDefaults.closeBatchSize),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): SubscriptionsConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'SUBSCRIPTIONS'),
    database: readDatabaseConfig(e, 'SUBSCRIPTIONS'),
    apiKeys: e.SUBSCRIPTIONS_API_KEYS,
    loginHashKey: e.LOGIN_HASH_KEY,
    previousLoginHashKeys: e.LOGIN_HASH_PREVIOUS_KEYS,
    catalogTimeoutMs: e.SUBSCRIPTIONS_CATALOG_TIMEOUT_MS,
    republishOnStart: e.REPUBLISH_ON_START,
    timeZone: e.SUBSCRIPTIONS_TIME_ZONE,
    trialSweepIntervalMs: e.SUBSCRIPTIONS_TRIAL_SWEEP_INTERVAL_MS,
    standingBatchSize: e.SUBSCRIPTIONS_STANDING_BATCH_SIZE,
    idempotencyRetentionMs: e.SUBSCRIPTIONS_IDEMPOTENCY_RETENTION_MS,
    decisionRetentionMs: e.SUBSCRIPTIONS_DECISION_RETENTION_MS,
    billing: {
      dailyProration: e.SUBSCRIPTIONS_BILLING_DAILY_PRORATION,
      billDebtSuspension: e.SUBSCRIPTIONS_BILLING_BILL_DEBT_SUSPENSION,
      closeBatchSize: e.SUBSCRIPTIONS_BILLING_CLOSE_BATCH_SIZE,
    },
  };
}
