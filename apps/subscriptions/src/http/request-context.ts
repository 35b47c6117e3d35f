import type { FastifyReply, FastifyRequest } from 'fastify';
import { BigIntIdText, CursorTimestamp, Id } from '@sva/contracts';
import { z } from 'zod';
import type { SubscriptionsContext } from '../context.ts';
import { idempotencyKeyReused, invalidActor, invalidCursor, invalidIdempotencyKey } from '../domain/errors.ts';
import { parseActor } from '../domain/history.ts';
import { findIdempotentAnswer, fingerprintOf, IdempotentReplay, type IdempotentCommand, type StoredAnswer } from '../repositories/idempotency.ts';

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Who acts (`X-Actor`), validated. Header bytes arrive as Latin-1; a UTF-8 name (João) is read
 * back as UTF-8 when it decodes cleanly.
 */
export function actorOf(request: FastifyRequest): string {
  let raw = single(request.headers['x-actor']);
  if (raw !== undefined && /[\u0080-\u00ff]/.test(raw)) {
    const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
    if (!utf8.includes('\ufffd')) raw = utf8;
  }
  const actor = parseActor(raw);
  if (actor === null) throw invalidActor();
  return actor;
}

/**
 * Run a command once per `Idempotency-Key`: without the header it just runs; with it, a retry
 * (same key, same operation, target and body) gets the first answer with `Idempotent-Replayed:
 * true`, and a different request under a used key is refused (422). Concurrent attempts with one
 * key are serialised by the database (see `claimIdempotencyKey`).
 */
export async function idempotent<T>(
  ctx: SubscriptionsContext,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  target: unknown,
  statusCode: number,
  run: (command: IdempotentCommand | undefined) => Promise<T>,
): Promise<FastifyReply> {
  const key = single(request.headers['idempotency-key']);
  if (key === undefined) return reply.code(statusCode).send(await run(undefined));
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw invalidIdempotencyKey();
  const command: IdempotentCommand = { key, operation, fingerprint: fingerprintOf(operation, target, request.body), statusCode };
  const replay = (answer: StoredAnswer) => {
    if (answer.fingerprint !== command.fingerprint) throw idempotencyKeyReused(key);
    return reply.code(answer.statusCode).header('idempotent-replayed', 'true').send(answer.response);
  };
  const stored = await findIdempotentAnswer(ctx.db, key);
  if (stored) return replay(stored);
  try {
    return reply.code(statusCode).send(await run(command));
  } catch (error) {
    if (error instanceof IdempotentReplay) return replay(error.answer);
    throw error;
  }
}

/** Opaque page cursors: base64url JSON the API gave out, checked on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
}

/**
 * A `(timestamp, UUID)` position in a list ordered by time. The shared contract types keep a forged
 * cursor from reaching the database: a year out of range or an id that is not a UUID is a 400.
 */
export const TimeCursor = z.object({ at: CursorTimestamp, id: Id });

/** A position in a list ordered by name (customer search): the last customer's id only, never the name (cursors are logged). */
export const NameCursor = z.object({ n: Id });

/** A position by `bigint` id (history): digits within PostgreSQL's bigint. */
export const BigIntCursor = z.object({ id: BigIntIdText });

/** A `(timestamp, bigint id)` position (decisions). */
export const TimeBigIntCursor = z.object({ at: CursorTimestamp, id: BigIntIdText });
