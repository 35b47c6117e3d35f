import { context, propagation } from '@opentelemetry/api';
import type { Bus, KvStore } from '@sva/bus';
import type { SqlClient, TransactionalClient } from './sql.ts';

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
  /** Published rows are deleted after this long. Default 7 days. */
  readonly retentionMs?: number;
}

/** Counters for metrics and tests. */
export interface OutboxRelayStats {
  published: number;
  failedBatches: number;
}

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
 * interleave, which is why every state-carrying message has a version.
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

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 500, pollIntervalMs: 1_000, retentionMs: 7 * 86_400_000, ...options };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
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
          `SELECT id::text AS id, kind, destination, key, payload, headers FROM outbox_message
           WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
          batchSize,
        );
        if (rows.length === 0) return 0;
        await Promise.all(rows.map((row) => this.#publish(row)));
        await tx.$executeRawUnsafe(
          'UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::uuid[])',
          rows.map((row) => row.id),
        );
        this.stats.published += rows.length;
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
        await store.put(row.key ?? '', data, { msgId: row.id });
      } else {
        await this.#options.bus.publish(row.destination, data, { msgId: row.id });
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
    await this.#options.db.$executeRawUnsafe(
      `DELETE FROM outbox_message WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`,
      this.#options.retentionMs,
    );
  }
}

interface OutboxRow {
  id: string;
  kind: 'event' | 'kv';
  destination: string;
  key: string | null;
  payload: unknown;
  headers: Record<string, string> | null;
}
