import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';

/** Everything subscriptions needs to run. Built from the environment by `loadConfig`, or by hand (embedded mode, tests). */
export interface SubscriptionsConfig extends BaseConfig {
  readonly database: DatabaseConfig;
  /** Keys accepted on the operator API (`Authorization: Bearer …`). */
  readonly apiKeys: readonly string[];
  /** HMAC key for login keys and verifiers; shared with the gateway only (libs/contracts/src/login-keys.ts). */
  readonly loginHashKey: string;
  /** How long to wait for the catalog when a package or integration is not known yet. */
  readonly catalogTimeoutMs: number;
  /** Put every stored entitlement record back on the bus at start (rebuilds a lost bus state). */
  readonly republishOnStart: boolean;
}

const Env = z.object({
  ...baseEnv('SUBSCRIPTIONS', 3002),
  ...databaseEnv('SUBSCRIPTIONS'),
  SUBSCRIPTIONS_API_KEYS: env.list().pipe(z.array(z.string().min(24, 'each key needs at least 24 characters')).min(1)),
  LOGIN_HASH_KEY: env.secret(),
  SUBSCRIPTIONS_CATALOG_TIMEOUT_MS: env.durationMs(3_000),
  REPUBLISH_ON_START: env.bool(false),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): SubscriptionsConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'SUBSCRIPTIONS'),
    database: readDatabaseConfig(e, 'SUBSCRIPTIONS'),
    apiKeys: e.SUBSCRIPTIONS_API_KEYS,
    loginHashKey: e.LOGIN_HASH_KEY,
    catalogTimeoutMs: e.SUBSCRIPTIONS_CATALOG_TIMEOUT_MS,
    republishOnStart: e.REPUBLISH_ON_START,
  };
}
