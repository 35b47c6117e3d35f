import { hostname } from 'node:os';
import { baseEnv, env, parseEnv, readBaseConfig, type BaseConfig } from '@sva/service-kit';
import { z } from 'zod';
import type { StalePolicy } from './domain/decisions.ts';
import { endUserAddressReader } from './http/end-user-address.ts';

/** Everything the gateway needs to run. Built from the environment by `loadConfig`, or by hand (embedded mode, tests). */
export interface GatewayConfig extends BaseConfig {
  /** HMAC key for login keys and verifiers; shared with subscriptions only. */
  readonly loginHashKey: string;
  /** Previous login hash keys (`LOGIN_HASH_PREVIOUS_KEYS`): records they made are still found during a rotation (README "Rotating keys"). */
  readonly previousLoginHashKeys?: readonly string[];
  /** TTL NEO may cache an "allowed" answer for. */
  readonly allowTtlSeconds: number;
  /** TTL for denials: short, so a customer who pays gets access back quickly. */
  readonly denyTtlSeconds: number;
  /** R14: identify failures allowed per login per 15 minutes before a lockout (password guessing on one account). */
  readonly identifyFailuresPerLogin: number;
  /**
   * R14: identify failures per integration a minute (sustained) and at most in a burst; past them
   * identify answers 429 until the budget refills (credential stuffing over many logins).
   */
  readonly identifyFailureBudget: number;
  readonly identifyFailureBurst: number;
  /** R14: identify failures allowed per end-user address per minute before a lockout, when the address is known (see below). */
  readonly identifyFailuresPerEndUserAddress: number;
  /** Longest lockout: lockouts double from the window's length (1 min per address, 15 min per login) up to this. */
  readonly identifyMaxLockoutSeconds: number;
  /**
   * Peers (CIDR ranges, addresses, or `loopback` / `linklocal` / `uniquelocal`) whose
   * `X-End-User-IP` header is believed: NEO's servers. Empty: the header is ignored.
   */
  readonly endUserAddressTrusted: readonly string[];
  /**
   * R14: accept password verifiers of the unbound (legacy) form, not bound to their login
   * (libs/contracts/src/login-keys.ts). True until subscriptions has republished every record bound.
   */
  readonly acceptUnboundVerifiers: boolean;
  /** Log a line per callback request (off by default: the hot path; failures are logged anyway). */
  readonly logCallbackRequests: boolean;
  /** Past this staleness (the bus unreachable that long) the policy applies. */
  readonly maxStalenessSeconds: number;
  /** `serve`: keep answering from the last view; `deny`: authorise answers `view_stale`. */
  readonly stalePolicy: StalePolicy;
  /** Keep a view snapshot no older than this in the object store (fresh replicas start from it); 0: never write one. */
  readonly snapshotIntervalSeconds: number;
  /** Start from the stored snapshot when one fits (else replay every key). */
  readonly useSnapshots: boolean;
  /** Names this replica in audit batches. */
  readonly gatewayId: string;
  /** Audit: decisions per batch, longest wait before a partial batch goes, most decisions held while the bus is away. */
  readonly auditBatchSize: number;
  readonly auditFlushMs: number;
  readonly auditMaxBuffered: number;
}

/** The settings `loadConfig` defaults to, beyond the base ones and the hash key (the embedded mode and tests start from these). */
export const gatewayDefaults = {
  allowTtlSeconds: 60,
  denyTtlSeconds: 30,
  identifyFailuresPerLogin: 10,
  identifyFailureBudget: 120,
  identifyFailureBurst: 600,
  identifyFailuresPerEndUserAddress: 30,
  identifyMaxLockoutSeconds: 3_600,
  endUserAddressTrusted: [],
  acceptUnboundVerifiers: true,
  logCallbackRequests: false,
  maxStalenessSeconds: 300,
  stalePolicy: 'serve',
  snapshotIntervalSeconds: 300,
  useSnapshots: true,
  auditBatchSize: 1_000,
  auditFlushMs: 1_000,
  auditMaxBuffered: 200_000,
} as const satisfies Partial<GatewayConfig>;

const d = gatewayDefaults;
const Env = z.object({
  ...baseEnv('GATEWAY', 3004),
  LOGIN_HASH_KEY: env.secret(),
  LOGIN_HASH_PREVIOUS_KEYS: z.string().default('').pipe(env.list()).pipe(z.array(z.string().min(32, 'each key needs at least 32 characters'))),
  GATEWAY_ALLOW_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(d.allowTtlSeconds),
  GATEWAY_DENY_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(d.denyTtlSeconds),
  GATEWAY_IDENTIFY_FAILURES_PER_LOGIN: z.coerce.number().int().min(1).default(d.identifyFailuresPerLogin),
  GATEWAY_IDENTIFY_FAILURE_BUDGET: z.coerce.number().int().min(1).default(d.identifyFailureBudget),
  GATEWAY_IDENTIFY_FAILURE_BURST: z.coerce.number().int().min(1).default(d.identifyFailureBurst),
  GATEWAY_IDENTIFY_FAILURES_PER_END_USER_ADDRESS: z.coerce.number().int().min(1).default(d.identifyFailuresPerEndUserAddress),
  GATEWAY_IDENTIFY_MAX_LOCKOUT_SECONDS: z.coerce.number().int().min(60).default(d.identifyMaxLockoutSeconds),
  GATEWAY_END_USER_ADDRESS_TRUSTED: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine(trustedEntriesValid, 'comma-separated CIDR ranges, addresses, or loopback / linklocal / uniquelocal'),
  GATEWAY_ACCEPT_UNBOUND_VERIFIERS: env.bool(d.acceptUnboundVerifiers),
  GATEWAY_LOG_CALLBACK_REQUESTS: env.bool(d.logCallbackRequests),
  GATEWAY_MAX_STALENESS_SECONDS: z.coerce.number().int().min(1).default(d.maxStalenessSeconds),
  GATEWAY_STALE_POLICY: z.enum(['serve', 'deny']).default(d.stalePolicy),
  GATEWAY_SNAPSHOT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(d.snapshotIntervalSeconds),
  GATEWAY_USE_SNAPSHOTS: env.bool(d.useSnapshots),
  GATEWAY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').optional(),
  GATEWAY_AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(d.auditBatchSize),
  GATEWAY_AUDIT_FLUSH_MS: z.coerce.number().int().min(10).default(d.auditFlushMs),
  GATEWAY_AUDIT_MAX_BUFFERED: z.coerce.number().int().min(100).default(d.auditMaxBuffered),
});

function trustedEntriesValid(entries: readonly string[]): boolean {
  try {
    endUserAddressReader(entries);
    return true;
  } catch {
    return false;
  }
}

/** Default replica name: the host name (the pod name on Kubernetes), cut to what batches accept. */
export function defaultGatewayId(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64) || 'neo-gateway';
}

/** Parse the environment; throws `ConfigError` naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = parseEnv(Env, source);
  return {
    ...readBaseConfig(e, 'GATEWAY'),
    loginHashKey: e.LOGIN_HASH_KEY,
    previousLoginHashKeys: e.LOGIN_HASH_PREVIOUS_KEYS,
    allowTtlSeconds: e.GATEWAY_ALLOW_TTL_SECONDS,
    denyTtlSeconds: e.GATEWAY_DENY_TTL_SECONDS,
    identifyFailuresPerLogin: e.GATEWAY_IDENTIFY_FAILURES_PER_LOGIN,
    identifyFailureBudget: e.GATEWAY_IDENTIFY_FAILURE_BUDGET,
    identifyFailureBurst: e.GATEWAY_IDENTIFY_FAILURE_BURST,
    identifyFailuresPerEndUserAddress: e.GATEWAY_IDENTIFY_FAILURES_PER_END_USER_ADDRESS,
    identifyMaxLockoutSeconds: e.GATEWAY_IDENTIFY_MAX_LOCKOUT_SECONDS,
    endUserAddressTrusted: e.GATEWAY_END_USER_ADDRESS_TRUSTED,
    acceptUnboundVerifiers: e.GATEWAY_ACCEPT_UNBOUND_VERIFIERS,
    logCallbackRequests: e.GATEWAY_LOG_CALLBACK_REQUESTS,
    maxStalenessSeconds: e.GATEWAY_MAX_STALENESS_SECONDS,
    stalePolicy: e.GATEWAY_STALE_POLICY,
    snapshotIntervalSeconds: e.GATEWAY_SNAPSHOT_INTERVAL_SECONDS,
    useSnapshots: e.GATEWAY_USE_SNAPSHOTS,
    gatewayId: e.GATEWAY_ID ?? defaultGatewayId(),
    auditBatchSize: e.GATEWAY_AUDIT_BATCH_SIZE,
    auditFlushMs: e.GATEWAY_AUDIT_FLUSH_MS,
    auditMaxBuffered: e.GATEWAY_AUDIT_MAX_BUFFERED,
  };
}

