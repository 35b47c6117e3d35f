import { baseEnv, env, parseEnv, readBaseConfig, type BaseConfig } from '@sva/service-kit';
import { z } from 'zod';

/** Everything the gateway needs to run. Built from the environment by `loadConfig`, or by hand (embedded mode, tests). */
export interface GatewayConfig extends BaseConfig {
  /** HMAC key for login keys and verifiers; shared with subscriptions only. */
  readonly loginHashKey: string;
  /** TTL NEO may cache an "allowed" answer for. */
  readonly allowTtlSeconds: number;
  /** TTL for denials: short, so a customer who pays gets access back quickly. */
  readonly denyTtlSeconds: number;
  /** Identify failures allowed per client address per minute before 429. */
  readonly identifyFailuresPerAddress: number;
  /** Identify failures allowed per login per 15 minutes before 429 (credential stuffing on one account). */
  readonly identifyFailuresPerLogin: number;
  readonly trustProxy: boolean;
}

const Env = z.object({
  ...baseEnv('GATEWAY', 3004),
  LOGIN_HASH_KEY: env.secret(),
  GATEWAY_ALLOW_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  GATEWAY_DENY_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  GATEWAY_IDENTIFY_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  GATEWAY_IDENTIFY_FAILURES_PER_LOGIN: z.coerce.number().int().min(1).default(10),
  GATEWAY_TRUST_PROXY: env.bool(false),
});

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'GATEWAY'),
    loginHashKey: e.LOGIN_HASH_KEY,
    allowTtlSeconds: e.GATEWAY_ALLOW_TTL_SECONDS,
    denyTtlSeconds: e.GATEWAY_DENY_TTL_SECONDS,
    identifyFailuresPerAddress: e.GATEWAY_IDENTIFY_FAILURES_PER_ADDRESS,
    identifyFailuresPerLogin: e.GATEWAY_IDENTIFY_FAILURES_PER_LOGIN,
    trustProxy: e.GATEWAY_TRUST_PROXY,
  };
}
