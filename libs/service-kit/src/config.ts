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

/** Settings every service has. */
export interface BaseConfig {
  readonly http: { readonly host: string; readonly port: number };
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
    LOG_LEVEL: env.logLevel(),
    // Optional: the embedded mode injects its in-process bus; `openBus` insists when it is needed.
    NATS_URL: env.natsUrl().optional(),
    BUS_PREFIX: z.string().regex(/^[a-z0-9]+\.$/, 'lowercase letters/digits ending with a dot').optional(),
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
    http: { host: values[`${prefix}_HOST`] as string, port: values[`${prefix}_PORT`] as number },
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
