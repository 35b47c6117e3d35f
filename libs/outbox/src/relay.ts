import { type BatchObservableCallback, type Counter, context, metrics, propagation } from '@opentelemetry/api';
import { type Bus, ENQUEUED_AT_HEADER, type KvStore } from '@sva/bus';
import { INBOX_TABLE, OUTBOX_TABLE, type SqlClient, type TransactionalClient } from './sql.ts';
import { putState, stateVersion } from './state.ts';

/** Minimal logger shape (pino fits). */
export interface RelayLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface OutboxRelayOptions {
  readonly db: TransactionalClient;
  readonly bus: Bus;
  readonly logger: RelayLogger;
  /** Rows published per transaction. Default 500. */
  readonly batchSize?: number;
  /** How often to look for rows when nobody kicked the relay (another replica wrote, a retry). Default 1 s. */
  readonly pollIntervalMs?: number;
  /**
   * Published rows, and the records of messages this service's consumers handled
   * (`processed_message`, see `claimMessage`), are deleted after this long. Default 7 days: far
   * longer than any redelivery (an unacknowledged message comes back within the consumer's ack
   * wait), so a record is never gone while its message may still arrive.
   */
  readonly retentionMs?: number;
}

/** Counters for metrics and tests. */
export interface OutboxRelayStats {
  published: number;
  failedBatches: number;
}

/** Most rows the backlog gauge counts: beyond this the number only says "far too many". */
const backlogCountCap = 100_000;

/**
 * Publishes committed outbox rows to the bus, oldest first, and marks them sent.
 *
 * - De-duplication: each row's id is the bus `msgId`, so a batch republished after a crash (or by
 *   two replicas racing) is stored once.
 * - Restart-safe: rows are marked sent only after the bus acknowledged them, in the same
 *   transaction that locked them (`FOR UPDATE SKIP LOCKED`, so replicas share the work).
 * - Prompt: `kick()` after a commit wakes it at once; otherwise it polls.
 *
 * Order: rows are published in `seq` order within a batch; across replicas batches may
 * interleave, which is why every state-carrying message has a version. KV states are written
 * with `putState` (compare-and-set on the key's revision), so an older version that arrives
 * late never replaces a newer one in the bucket; events are ordered by their consumers.
 *
 * Metrics (global meter provider, no-ops without one): `sva.outbox.backlog` (rows not yet published,
 * counted up to 100,000) and `sva.outbox.oldest_age` (seconds the oldest of them has waited), both
 * read from the database when collected; `sva.outbox.published` and `sva.outbox.failed_batches`.
 * A growing oldest age means the bus is unreachable or the relay stuck: alert on it.
 */
export class OutboxRelay {
  readonly name = 'outbox-relay';
  readonly stats: OutboxRelayStats = { published: 0, failedBatches: 0 };
  readonly #options: Required<Omit<OutboxRelayOptions, 'db' | 'bus' | 'logger'>> & Pick<OutboxRelayOptions, 'db' | 'bus' | 'logger'>;
  readonly #kvStores = new Map<string, Promise<KvStore>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #kicked = false;
  #lastPrune = 0;
  #meters: RelayMeters | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 500, pollIntervalMs: 1_000, retentionMs: 7 * 86_400_000, ...options };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#meters = this.#observe();
    this.#loop = this.#run();
  }

  /** Publish now: call after committing a transaction that enqueued messages. */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  /** Stop after the batch in hand; unpublished rows stay for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#meters?.stop();
    this.#meters = undefined;
  }

  /** Publish until nothing is pending (tests and the embedded mode's shutdown use it). */
  async flush(): Promise<void> {
    while ((await this.relayBatch()) > 0);
  }

  /** Publish one batch; returns how many rows were published. */
  async relayBatch(): Promise<number> {
    const { db, batchSize } = this.#options;
    return db.$transaction(
      async (tx: SqlClient) => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text AS id, kind, destination, key, payload, headers,
                  (extract(epoch FROM created_at) * 1000)::float8 AS enqueued_at_ms FROM outbox_message
           WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
          batchSize,
        );
        if (rows.length === 0) return 0;
        await Promise.all(newestStates(rows).map((row) => this.#publish(row)));
        await tx.$executeRawUnsafe(
          'UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::uuid[])',
          rows.map((row) => row.id),
        );
        this.stats.published += rows.length;
        this.#meters?.published.add(rows.length);
        return rows.length;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }

  async #publish(row: OutboxRow): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(row.payload));
    const parent = propagation.extract(context.active(), row.headers ?? {});
    await context.with(parent, async () => {
      if (row.kind === 'kv') {
        const store = await this.#kv(row.destination);
        // Relays race (SKIP LOCKED batches, retries after an outage): never replace a newer state.
        if (stateVersion(row.payload) === undefined) await store.put(row.key ?? '', data, { msgId: row.id });
        else await putState(store, row.key ?? '', row.payload, { msgId: row.id, data });
      } else {
        await this.#options.bus.publish(row.destination, data, {
          msgId: row.id,
          headers: { [ENQUEUED_AT_HEADER]: String(Math.round(row.enqueued_at_ms)) },
        });
      }
    });
  }

  #kv(bucket: string): Promise<KvStore> {
    let store = this.#kvStores.get(bucket);
    if (!store) {
      store = this.#options.bus.kv({ bucket });
      store.catch(() => this.#kvStores.delete(bucket));
      this.#kvStores.set(bucket, store);
    }
    return store;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      this.#kicked = false;
      let published = 0;
      try {
        published = await this.relayBatch();
        failures = 0;
        await this.#pruneNowAndThen();
      } catch (error) {
        failures += 1;
        this.stats.failedBatches += 1;
        this.#meters?.failedBatches.add(1);
        const log = failures === 1 ? this.#options.logger.warn.bind(this.#options.logger) : this.#options.logger.error.bind(this.#options.logger);
        log({ err: error, failures }, 'outbox relay could not publish; will retry');
      }
      if (!this.#running) break;
      if (published === this.#options.batchSize) continue;
      if (this.#kicked && failures === 0) continue;
      const delay = failures > 0 ? Math.min(30_000, 250 * 2 ** Math.min(failures, 7)) : this.#options.pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async #pruneNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < 600_000) return;
    this.#lastPrune = now;
    await this.prune();
  }

  /**
   * Delete published outbox rows and handled-message records older than the retention (the relay
   * does it every ten minutes). Handled-message records go in slices of 10,000 so a backlog of
   * days does not hold one long transaction. Returns how many of each were deleted.
   */
  async prune(): Promise<{ outbox: number; processed: number }> {
    const { db, retentionMs } = this.#options;
    const outbox = await db.$executeRawUnsafe(
      `DELETE FROM ${OUTBOX_TABLE} WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`,
      retentionMs,
    );
    let processed = 0;
    for (;;) {
      const deleted = await db.$executeRawUnsafe(
        `DELETE FROM ${INBOX_TABLE} WHERE ctid IN (SELECT ctid FROM ${INBOX_TABLE} WHERE processed_at < now() - ($1::bigint * interval '1 millisecond') LIMIT 10000)`,
        retentionMs,
      );
      processed += deleted;
      if (deleted < 10_000) break;
    }
    return { outbox, processed };
  }

  /** Register the instruments; the gauges query the database only when a reader collects them. */
  #observe(): RelayMeters {
    const meter = metrics.getMeter('@sva/outbox');
    const backlog = meter.createObservableGauge('sva.outbox.backlog', {
      unit: '{message}',
      description: 'Outbox rows written but not yet published to the bus.',
    });
    const oldestAge = meter.createObservableGauge('sva.outbox.oldest_age', {
      unit: 's',
      description: 'How long the oldest unpublished outbox row has waited (0 when none).',
    });
    const collect: BatchObservableCallback = async (result) => {
      try {
        const [row] = await this.#options.db.$queryRawUnsafe<Array<{ pending: number; oldest_s: number | null }>>(
          `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_message WHERE published_at IS NULL LIMIT $1) AS pending_rows) AS pending,
                  (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM outbox_message WHERE published_at IS NULL) AS oldest_s`,
          backlogCountCap,
        );
        result.observe(backlog, Number(row?.pending ?? 0));
        result.observe(oldestAge, Math.max(0, Number(row?.oldest_s ?? 0)));
      } catch {
        // Database unreachable: no observation beats a wrong one; readiness reports the outage.
      }
    };
    meter.addBatchObservableCallback(collect, [backlog, oldestAge]);
    return {
      published: meter.createCounter('sva.outbox.published', { unit: '{message}', description: 'Outbox rows published to the bus.' }),
      failedBatches: meter.createCounter('sva.outbox.failed_batches', {
        unit: '{batch}',
        description: 'Relay batches that failed (bus or database unavailable) and will be retried.',
      }),
      stop: () => meter.removeBatchObservableCallback(collect, [backlog, oldestAge]),
    };
  }
}

/**
 * The rows worth publishing: every event, but of several states of one key in the batch only the
 * highest version (the bucket keeps the last value only, and `putState` would refuse the older
 * ones anyway). Saves writes and compare-and-set conflicts when a key changes quickly.
 */
function newestStates(rows: readonly OutboxRow[]): OutboxRow[] {
  const newest = new Map<string, OutboxRow>();
  for (const row of rows) {
    const version = row.kind === 'kv' ? stateVersion(row.payload) : undefined;
    if (version === undefined) continue;
    const slot = `${row.destination}\u0000${row.key ?? ''}`;
    const kept = newest.get(slot);
    if (!kept || stateVersion(kept.payload)! < version) newest.set(slot, row);
  }
  const chosen = new Set(newest.values());
  return rows.filter((row) => row.kind !== 'kv' || stateVersion(row.payload) === undefined || chosen.has(row));
}

interface RelayMeters {
  readonly published: Counter;
  readonly failedBatches: Counter;
  stop(): void;
}

interface OutboxRow {
  id: string;
  enqueued_at_ms: number;
  kind: 'event' | 'kv';
  destination: string;
  key: string | null;
  payload: unknown;
  headers: Record<string, string> | null;
}
