import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';

/** Everything the catalog needs to run. Built from the environment by `loadConfig`, or by hand (embedded mode, tests). */
export interface CatalogConfig extends BaseConfig {
  readonly database: DatabaseConfig;
  /** Keys accepted on the operator API (`Authorization: Bearer …`). */
  readonly apiKeys: readonly string[];
  /** Seals platform credentials at rest. */
  readonly credentialsKey: string;
  /** Keys that sealed before a rotation: they still open, and values under them are re-sealed at start (README "Rotating keys"). */
  readonly previousCredentialsKeys?: readonly string[];
  /** Public base URL of the gateway; callback URLs are built from it. */
  readonly gatewayPublicUrl: string;
  /** How long a rotated-out callback secret keeps working. */
  readonly secretRotationOverlapMs: number;
  /** Timeout for each call to a content platform. */
  readonly platformTimeoutMs: number;
  /**
   * Allow platform base URLs on loopback, link-local (metadata), private and other non-public
   * addresses (off in production; the embedded system's local NEO simulator needs it). Default false.
   */
  readonly allowPrivatePlatformUrls?: boolean;
  /** Put every integration's gateway record back on the bus at start (rebuilds a lost bus state). */
  readonly republishOnStart: boolean;
}

const Env = z.object({
  ...baseEnv('CATALOG', 3001),
  ...databaseEnv('CATALOG'),
  CATALOG_API_KEYS: env.list().pipe(z.array(z.string().min(24, 'each key needs at least 24 characters')).min(1)),
  CATALOG_CREDENTIALS_KEY: env.secret(),
  CATALOG_CREDENTIALS_PREVIOUS_KEYS: z.string().default('').pipe(env.list()).pipe(z.array(z.string().min(32, 'each key needs at least 32 characters'))),
  GATEWAY_PUBLIC_URL: z.url(),
  CATALOG_SECRET_ROTATION_OVERLAP_MS: env.durationMs(24 * 3_600_000),
  CATALOG_PLATFORM_TIMEOUT_MS: env.durationMs(5_000),
  CATALOG_ALLOW_PRIVATE_PLATFORM_URLS: env.bool(false),
  REPUBLISH_ON_START: env.bool(false),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): CatalogConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'CATALOG'),
    database: readDatabaseConfig(e, 'CATALOG'),
    apiKeys: e.CATALOG_API_KEYS,
    credentialsKey: e.CATALOG_CREDENTIALS_KEY,
    previousCredentialsKeys: e.CATALOG_CREDENTIALS_PREVIOUS_KEYS,
    gatewayPublicUrl: e.GATEWAY_PUBLIC_URL,
    secretRotationOverlapMs: e.CATALOG_SECRET_ROTATION_OVERLAP_MS,
    platformTimeoutMs: e.CATALOG_PLATFORM_TIMEOUT_MS,
    allowPrivatePlatformUrls: e.CATALOG_ALLOW_PRIVATE_PLATFORM_URLS,
    republishOnStart: e.REPUBLISH_ON_START,
  };
}
