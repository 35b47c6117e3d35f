import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type { SqlClient } from './sql.ts';
import { stateVersion } from './state.ts';

/** An event for a stream subject. */
export interface OutboxEvent {
  readonly subject: string;
  readonly payload: unknown;
}

/**
 * A new state for a key of a last-value store (KV bucket). The payload carries its `version` (a
 * positive integer, higher for every newer state of the key): the relay never lets an older
 * version replace a newer one (see `putState`).
 */
export interface OutboxKvPut {
  readonly bucket: string;
  readonly key: string;
  readonly payload: { readonly version: number };
}

export type OutboxEntry = OutboxEvent | OutboxKvPut;

/**
 * Write messages to the outbox inside the caller's transaction, so that they exist if and only if
 * the change they announce was committed. The relay publishes them afterwards, using the row id
 * as the bus's de-duplication id. The current trace context is kept with each row so the trace
 * continues from the request that caused it to the consumers that handle it.
 */
export async function enqueue(tx: SqlClient, entries: OutboxEntry | readonly OutboxEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? (entries as readonly OutboxEntry[]) : [entries as OutboxEntry];
  if (list.length === 0) return;
  for (const entry of list) {
    if (!('subject' in entry) && stateVersion(entry.payload) === undefined) {
      throw new TypeError(`outbox: the state for ${entry.bucket}/${entry.key} carries no positive integer version`);
    }
  }
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const values: unknown[] = [];
  const rows = list.map((entry, index) => {
    const base = index * 6;
    if ('subject' in entry) values.push(randomUUID(), 'event', entry.subject, null, JSON.stringify(entry.payload), JSON.stringify(headers));
    else values.push(randomUUID(), 'kv', entry.bucket, entry.key, JSON.stringify(entry.payload), JSON.stringify(headers));
    return `($${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb, $${base + 6}::jsonb)`;
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox_message (id, kind, destination, key, payload, headers) VALUES ${rows.join(', ')}`,
    ...values,
  );
}
