import { isIP } from 'node:net';
import { z } from 'zod';

/** One variable that is missing or wrong. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** The environment does not describe a runnable service. The message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
  }
}

/**
 * Parse the environment with a zod object whose keys are variable names. The only place a
 * service reads `process.env`; everything after boot gets a typed config object.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  // Empty (or blank) strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.join('.') || '(environment)',
      // Any complaint about an absent variable (type, enum, …) means the same thing to an operator.
      message: issue.path.length === 1 && cleaned[String(issue.path[0])] === undefined ? 'is required' : issue.message,
    })),
  );
}

/** Env building blocks shared by every service. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback),
  host: () => z.string().default('0.0.0.0'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  postgresUrl: () => z.url({ protocol: /^postgres(ql)?$/ , error: 'must be a postgres:// URL' }),
  natsUrl: () => z.string().regex(/^(nats|tls|ws|wss):\/\/\S+$/, 'must be a nats:// URL (comma-separate several)'),
  /** A secret: at least 32 characters so that it carries enough entropy to key an HMAC. */
  secret: () => z.string().min(32, 'must be at least 32 characters'),
  /** Comma-separated list. */
  list: () => z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean)),
  bool: (fallback: boolean) => z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false').transform((v) => v === 'true' || v === '1'),
  durationMs: (fallback: number) => z.coerce.number().int().nonnegative().default(fallback),
};

/**
 * Which proxies in front may set `X-Forwarded-For`: `false` (none: the peer address is the
 * client), the number of proxy hops in front, or their addresses and CIDR ranges. Never "every
 * hop": a client would then choose its own address.
 */
export type TrustProxy = false | number | readonly string[];

/** HTTP settings every service reads the same way (`<PREFIX>_TRUST_PROXY`, … see `baseEnv`). */
export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  /** `<PREFIX>_TRUST_PROXY`: default `false`. */
  readonly trustProxy?: TrustProxy;
  /** `<PREFIX>_RATE_LIMIT_PER_MINUTE`: requests per client address per minute on the operator API (`/v1`, API key); 0: no limit. */
  readonly rateLimitPerMinute?: number;
  /** Load shedding (503 + Retry-After past either threshold; readiness fails meanwhile); 0 turns a check off. */
  readonly overload?: {
    /** `<PREFIX>_MAX_EVENT_LOOP_DELAY_MS`: mean event-loop delay over a sample. */
    readonly maxEventLoopDelayMs: number;
    /** `<PREFIX>_MAX_EVENT_LOOP_UTILIZATION`: share of time the event loop was busy (0–1). */
    readonly maxEventLoopUtilization: number;
  };
}

/** Defaults of the optional `HttpSettings`. */
export const httpDefaults = {
  trustProxy: false,
  rateLimitPerMinute: 1_200,
  overload: { maxEventLoopDelayMs: 500, maxEventLoopUtilization: 0 },
} as const satisfies Partial<HttpSettings>;

const isAddressOrRange = (entry: string): boolean => {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

/** `<PREFIX>_TRUST_PROXY`: `false`/`0`, a hop count, or a comma-separated list of addresses/CIDRs; `true` refused. */
const trustProxyEnv = () =>
  z
    .string()
    .default('false')
    .transform((value, context): TrustProxy => {
      const text = value.trim();
      if (text === 'false') return false;
      if (text === 'true') {
        context.addIssue({ code: 'custom', message: '"true" would trust every X-Forwarded-For hop (a client could pick its address): give the number of proxies in front (e.g. 1) or their addresses/CIDRs, comma-separated' });
        return z.NEVER;
      }
      if (/^\d+$/.test(text)) return Number(text) === 0 ? false : Number(text);
      const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
      const wrong = entries.filter((entry) => !isAddressOrRange(entry));
      if (wrong.length > 0 || entries.length === 0) {
        context.addIssue({ code: 'custom', message: `must be false, a number of proxy hops, or addresses/CIDRs separated by commas (not ${wrong.join(', ') || 'empty'})` });
        return z.NEVER;
      }
      return entries;
    });

/** Settings every service has. */
export interface BaseConfig {
  readonly http: HttpSettings;
  readonly logLevel: string;
  readonly bus: {
    /** NATS servers; required when a service runs alone (the embedded mode injects its in-process bus). */
    readonly natsUrl: string | undefined;
    /** Run prefix for subjects, streams and buckets (isolated test runs). */
    readonly prefix: string | undefined;
    /**
     * Replicas of the streams, KV and object buckets the service creates (`NATS_STREAM_REPLICAS`):
     * 3 on a three-node JetStream cluster, so that losing a node loses no message. Default 1.
     */
    readonly streamReplicas?: number;
  };
}

/** A service's own PostgreSQL database. */
export interface DatabaseConfig {
  readonly url: string;
  /** Pool size; 1 against embedded PGlite. */
  readonly poolMax: number;
}

/** `CATALOG`, `SUBSCRIPTIONS`, … : the prefix of a service's own variables. */
export type EnvPrefix = Uppercase<string>;

/** Env variables of `BaseConfig` for the service whose variables start with `prefix`. */
export function baseEnv(prefix: EnvPrefix, defaultPort: number) {
  return {
    [`${prefix}_HOST`]: env.host(),
    [`${prefix}_PORT`]: env.port(defaultPort),
    [`${prefix}_TRUST_PROXY`]: trustProxyEnv(),
    [`${prefix}_RATE_LIMIT_PER_MINUTE`]: z.coerce.number().int().min(0).default(httpDefaults.rateLimitPerMinute),
    [`${prefix}_MAX_EVENT_LOOP_DELAY_MS`]: z.coerce.number().int().min(0).default(httpDefaults.overload.maxEventLoopDelayMs),
    [`${prefix}_MAX_EVENT_LOOP_UTILIZATION`]: z.coerce.number().min(0).max(1).default(httpDefaults.overload.maxEventLoopUtilization),
    LOG_LEVEL: env.logLevel(),
    // Optional: the embedded mode injects its in-process bus; `openBus` insists when it is needed.
    NATS_URL: env.natsUrl().optional(),
    // The trailing dot separates the prefix from the names; it is added when left out.
    BUS_PREFIX: z
      .string()
      .regex(/^[a-z0-9]+\.?$/, 'lowercase letters and digits (e.g. "run1", a dot is added)')
      .transform((prefix) => (prefix.endsWith('.') ? prefix : `${prefix}.`))
      .optional(),
    NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  };
}

/** Env variables of `DatabaseConfig`: `<PREFIX>_DATABASE_URL`, `<PREFIX>_DATABASE_POOL_MAX`. */
export function databaseEnv(prefix: EnvPrefix) {
  return {
    [`${prefix}_DATABASE_URL`]: env.postgresUrl(),
    [`${prefix}_DATABASE_POOL_MAX`]: z.coerce.number().int().min(1).max(100).default(10),
  };
}

/** Read `BaseConfig` from parsed env values. */
export function readBaseConfig(values: Record<string, unknown>, prefix: EnvPrefix): BaseConfig {
  return {
    http: {
      host: values[`${prefix}_HOST`] as string,
      port: values[`${prefix}_PORT`] as number,
      trustProxy: values[`${prefix}_TRUST_PROXY`] as TrustProxy,
      rateLimitPerMinute: values[`${prefix}_RATE_LIMIT_PER_MINUTE`] as number,
      overload: {
        maxEventLoopDelayMs: values[`${prefix}_MAX_EVENT_LOOP_DELAY_MS`] as number,
        maxEventLoopUtilization: values[`${prefix}_MAX_EVENT_LOOP_UTILIZATION`] as number,
      },
    },
    logLevel: values.LOG_LEVEL as string,
    bus: {
      natsUrl: values.NATS_URL as string | undefined,
      prefix: values.BUS_PREFIX as string | undefined,
      ...(values.NATS_STREAM_REPLICAS === undefined ? {} : { streamReplicas: values.NATS_STREAM_REPLICAS as number }),
    },
  };
}

/** Read `DatabaseConfig` from parsed env values. */
export function readDatabaseConfig(values: Record<string, unknown>, prefix: EnvPrefix): DatabaseConfig {
  return { url: values[`${prefix}_DATABASE_URL`] as string, poolMax: values[`${prefix}_DATABASE_POOL_MAX`] as number };
}
