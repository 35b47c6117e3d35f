import { createHash } from 'node:crypto';
import type { SubscriptionsDb, Tx } from '../context.ts';

/**
 * A command sent with an `Idempotency-Key`. The key is claimed first thing in the command's
 * transaction and the answer stored before it commits, so the key exists if and only if the
 * command took effect, and a concurrent retry waits for the first attempt, then replays it.
 */
export interface IdempotentCommand {
  readonly key: string;
  /** e.g. `attach-package`: part of the fingerprint, so a key cannot be reused across operations. */
  readonly operation: string;
  /** SHA-256 of the operation, its target and its body (`fingerprintOf`). */
  readonly fingerprint: string;
  /** Status the first answer was sent with (replayed with it). */
  readonly statusCode: number;
}

/** The first answer to a key. */
export interface StoredAnswer {
  readonly key: string;
  readonly fingerprint: string;
  readonly statusCode: number;
  readonly response: unknown;
}

/** Thrown inside the command's transaction when the key already has an answer: the work rolls back. */
export class IdempotentReplay extends Error {
  override readonly name = 'IdempotentReplay';
  constructor(readonly answer: StoredAnswer) {
    super(`idempotency key ${answer.key} already answered`);
  }
}

/** A stable digest of what a request asks for: same operation, target and body → same fingerprint. */
export function fingerprintOf(operation: string, target: unknown, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([operation, canonical(target), canonical(body)])).digest('base64url');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * Claim the key in the command's transaction; throws `IdempotentReplay` when it was answered
 * already. A concurrent first attempt holds the key uncommitted: this insert waits for it, then
 * either sees its answer (it committed) or takes the key (it rolled back).
 */
export async function claimIdempotencyKey(tx: Tx, command: IdempotentCommand, now: Date): Promise<void> {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_key (key, operation, fingerprint, status_code, response, created_at)
    VALUES (${command.key}, ${command.operation}, ${command.fingerprint}, ${command.statusCode}, 'null'::jsonb, ${now})
    ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return;
  const row = await tx.idempotencyKey.findUniqueOrThrow({ where: { key: command.key } });
  throw new IdempotentReplay({ key: row.key, fingerprint: row.fingerprint, statusCode: row.statusCode, response: row.response });
}

/** Store the answer the command gives (same transaction as the claim). */
export async function storeIdempotentAnswer(tx: Tx, command: IdempotentCommand, response: unknown): Promise<void> {
  await tx.idempotencyKey.update({ where: { key: command.key }, data: { response: response as object } });
}

/** The stored answer to a key, if any (the fast path for a retry after the first attempt finished). */
export async function findIdempotentAnswer(db: SubscriptionsDb, key: string): Promise<StoredAnswer | null> {
  const row = await db.idempotencyKey.findUnique({ where: { key } });
  return row ? { key: row.key, fingerprint: row.fingerprint, statusCode: row.statusCode, response: row.response } : null;
}

/** Forget keys older than `before` (a client retries within minutes, not days). */
export async function pruneIdempotencyKeys(db: SubscriptionsDb, before: Date): Promise<number> {
  const { count } = await db.idempotencyKey.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
