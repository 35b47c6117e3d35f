import { baseEnv, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig, type BaseConfig, type DatabaseConfig } from '@sva/service-kit';
import { z } from 'zod';

/** The services the console forwards to, by the name used in `/api/<service>/…`. */
export const SERVICES = ['catalog', 'subscriptions', 'billing'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Everything the console's server needs. Built from the environment by `loadConfig`, or by hand. */
export interface ConsoleConfig extends Omit<BaseConfig, 'bus'> {
  readonly database: DatabaseConfig;
  /** Base URL of each service. */
  readonly services: Readonly<Record<ServiceName, string>>;
  /** The operator API key the console presents to the services (the browser never sees it). */
  readonly serviceApiKey: string;
  /** Folder of the built web app (`vite build` output); `undefined` serves the API only. */
  readonly webDir: string | undefined;
  /** A session unused this long ends (default 30 min). */
  readonly idleTimeoutMs: number;
  /** A session ends this long after login whatever its use (default 12 h). */
  readonly absoluteTimeoutMs: number;
  /** Failed logins in a row that lock an account (default 5). */
  readonly lockoutThreshold: number;
  /** How long a locked account stays locked (default 15 min). */
  readonly lockoutMs: number;
  /** Failed logins per client address per minute before 429 (default 20). */
  readonly loginFailuresPerMinute: number;
  /**
   * Cookies with `Secure` (and the `__Host-` prefix). `auto` (default): when the request came over
   * HTTPS (directly or, with `trustProxy`, per `X-Forwarded-Proto`).
   */
  readonly secureCookies: 'auto' | 'always' | 'never';
  /** Trust `X-Forwarded-*` from the ingress. */
  readonly trustProxy: boolean;
  /**
   * With no account yet, create `admin` at start and print its password once (default true: the
   * embedded system). Kubernetes turns it off and runs `node create-admin.mjs` once instead, so no
   * password reaches the pods' logs.
   */
  readonly createFirstAdmin: boolean;
  /**
   * The embedded system's demo clock (`npm start -- --demo-clock` sets `CONSOLE_DEMO_CLOCK_URL`):
   * forwarded under `/api/demo-clock/…` for admins only. Absent (always in production), nothing is forwarded there.
   */
  readonly demoClockUrl?: string;
}

export const consoleDefaults = {
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 3_600_000,
  lockoutThreshold: 5,
  lockoutMs: 15 * 60_000,
  loginFailuresPerMinute: 20,
  secureCookies: 'auto',
  trustProxy: false,
  createFirstAdmin: true,
} as const satisfies Partial<ConsoleConfig>;

const d = consoleDefaults;
const Env = z.object({
  ...baseEnv('CONSOLE', 3000),
  ...databaseEnv('CONSOLE'),
  CONSOLE_CATALOG_URL: z.url(),
  CONSOLE_SUBSCRIPTIONS_URL: z.url(),
  CONSOLE_BILLING_URL: z.url(),
  CONSOLE_SERVICE_API_KEY: z.string().min(24, 'needs at least 24 characters'),
  CONSOLE_WEB_DIR: z.string().optional(),
  CONSOLE_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(d.idleTimeoutMs / 60_000),
  CONSOLE_ABSOLUTE_TIMEOUT_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(d.absoluteTimeoutMs / 3_600_000),
  CONSOLE_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default(d.secureCookies),
  CONSOLE_TRUST_PROXY: env.bool(d.trustProxy),
  CONSOLE_CREATE_FIRST_ADMIN: env.bool(d.createFirstAdmin),
  CONSOLE_DEMO_CLOCK_URL: z.url().optional(),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const e = parseEnv(Env, source);
  const base = readBaseConfig(e, 'CONSOLE');
  return {
    http: base.http,
    logLevel: base.logLevel,
    database: readDatabaseConfig(e, 'CONSOLE'),
    services: { catalog: e.CONSOLE_CATALOG_URL, subscriptions: e.CONSOLE_SUBSCRIPTIONS_URL, billing: e.CONSOLE_BILLING_URL },
    serviceApiKey: e.CONSOLE_SERVICE_API_KEY,
    webDir: e.CONSOLE_WEB_DIR ?? defaultWebDir,
    ...d,
    idleTimeoutMs: e.CONSOLE_IDLE_TIMEOUT_MINUTES * 60_000,
    absoluteTimeoutMs: e.CONSOLE_ABSOLUTE_TIMEOUT_HOURS * 3_600_000,
    secureCookies: e.CONSOLE_SECURE_COOKIES,
    trustProxy: e.CONSOLE_TRUST_PROXY,
    createFirstAdmin: e.CONSOLE_CREATE_FIRST_ADMIN,
    ...(e.CONSOLE_DEMO_CLOCK_URL ? { demoClockUrl: e.CONSOLE_DEMO_CLOCK_URL } : {}),
  };
}

/** Where `vite build` puts the web app. */
export const defaultWebDir = new URL('../../dist/web', import.meta.url).pathname;
