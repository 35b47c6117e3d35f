import { randomBytes } from 'node:crypto';
import type { Bus } from '@sva/bus';
import { AuthoriseReasonV1, streams, subjects } from '@sva/contracts';
import type { Logger, Worker } from '@sva/service-kit';
import type { AuthoriseReason } from '../domain/decisions.ts';
import { JsonBytes } from './json-bytes.ts';

export interface DecisionRecorderOptions {
  readonly bus: Bus;
  /** Names this replica in each batch (`gatewayId`). */
  readonly gatewayId: string;
  /** Decisions per batch (≤ 10,000, the contract's limit). */
  readonly batchSize: number;
  /** A partial batch is published at the latest this long after its first decision. */
  readonly flushIntervalMs: number;
  /** Decisions held at most while the bus is away; past it the oldest are dropped (and counted). */
  readonly maxBuffered: number;
  readonly logger: Logger;
}

/** Counts since start. */
export interface DecisionRecorderStats {
  /** Decisions waiting (in the buffer or in batches not yet confirmed by the bus). */
  readonly buffered: number;
  readonly published: number;
  readonly dropped: number;
  readonly failedPublishes: number;
}

/** Records every authorise decision and publishes them in batches as `gateway.decisions.recorded.v1`. */
export interface DecisionRecorder extends Worker {
  /** Note one decision. Never blocks and never throws: publishing happens later, off the answer path. */
  record(integrationId: string, subscriberId: string, product: string, reason: AuthoriseReason, latencyMicros: number, atMs: number): void;
  /** Publish everything held now (shutdown, tests). Resolves when the bus confirmed it or refused it. */
  flush(): Promise<void>;
  stats(): DecisionRecorderStats;
}

interface Batch {
  readonly msgId: string;
  readonly data: Uint8Array;
  readonly size: number;
}

const reasonCodes = new Map(AuthoriseReasonV1.options.map((reason, code) => [reason, code]));
/** Per reason code: the entry's fields between `product` and the latency's value. */
const reasonFields = AuthoriseReasonV1.options.map((reason) => `,"allowed":${reason === 'subscribed'},"reason":"${reason}","latencyMicros":`);

const maxBackoffMs = 30_000;

/**
 * The audit trail of authorise (issue 7): a ring buffer of decisions, kept as columns (the
 * strings it holds are the request's own, not copies), cut into batches of `batchSize` or every
 * `flushIntervalMs`, each published with a de-duplication id (`<gatewayId>.<boot>.<n>`) so a
 * retried publish is stored once. The answer path only writes into the ring.
 *
 * While the bus is unreachable batches wait and are retried with backoff (up to 30 s); memory stays
 * bounded by `maxBuffered` decisions: past it the oldest are dropped and counted in `dropped`.
 */
export function createDecisionRecorder(options: DecisionRecorderOptions): DecisionRecorder {
  const maxBuffered = options.maxBuffered;
  const batchSize = Math.max(1, Math.min(options.batchSize, 10_000, maxBuffered));
  // The ring starts small and doubles up to `maxBuffered`: it only grows while the bus is away.
  let capacity = Math.min(maxBuffered, Math.max(4 * batchSize, 4_096));
  let integrations: string[] = new Array<string>(capacity).fill('');
  let subscribers: string[] = new Array<string>(capacity).fill('');
  let products: string[] = new Array<string>(capacity).fill('');
  let reasons = new Uint8Array(capacity);
  let latencies = new Uint32Array(capacity);
  let times = new Float64Array(capacity);
  let head = 0;
  let count = 0;
  const pending: Batch[] = [];
  let pendingDecisions = 0;
  const boot = randomBytes(6).toString('base64url');
  let sequence = 0;
  let published = 0;
  let dropped = 0;
  let failedPublishes = 0;
  let failures = 0;
  let running = false;
  let publishing: Promise<void> | undefined;
  let drainScheduled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let streamReady = false;

  // Decisions answered in the same millisecond share their timestamp text.
  let lastMs = Number.NaN;
  let lastIso = '';
  const prefix = `{"gatewayId":${JSON.stringify(options.gatewayId)},"decisions":[`;

  /**
   * Cut up to `batchSize` decisions from the front of the ring into an encoded batch. The JSON
   * (`DecisionsRecordedV1`) is written by hand into bytes: no object per decision, one date per
   * millisecond, the fields between product and latency prepared per reason.
   */
  const json = new JsonBytes();
  const cut = (): void => {
    const size = Math.min(count, batchSize);
    json.reset();
    json.raw(prefix);
    for (let i = 0; i < size; i++) {
      const at = (head + i) % capacity;
      const ms = times[at]!;
      if (ms !== lastMs) {
        lastMs = ms;
        lastIso = new Date(ms).toISOString();
      }
      json.raw(i === 0 ? '{"integrationId":' : ',{"integrationId":');
      json.string(integrations[at]!);
      json.raw(',"subscriberId":');
      json.string(subscribers[at]!);
      json.raw(',"product":');
      json.string(products[at]!);
      json.raw(reasonFields[reasons[at]!]!);
      json.raw(String(latencies[at]!));
      json.raw(',"at":"');
      json.raw(lastIso);
      json.raw('"}');
      subscribers[at] = '';
      products[at] = '';
    }
    json.raw(']}');
    head = (head + size) % capacity;
    count -= size;
    pending.push({ msgId: `${options.gatewayId}.${boot}.${sequence++}`, data: json.take(), size });
    pendingDecisions += size;
    // Batches waiting for the bus count against the same bound as the ring.
    while (pendingDecisions + count > maxBuffered && pending.length > 1) {
      const lost = pending.shift()!;
      pendingDecisions -= lost.size;
      dropped += lost.size;
    }
  };

  const publishPending = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending[0]!;
      try {
        if (!streamReady) {
          await options.bus.ensureStream(streams.gateway);
          streamReady = true;
        }
        await options.bus.publish(subjects.gateway.decisionsRecorded, batch.data, { msgId: batch.msgId });
      } catch (error) {
        failedPublishes += 1;
        failures += 1;
        if (failures === 1) options.logger.warn({ err: error, waiting: pendingDecisions + count }, 'cannot publish decision batches; holding them');
        return;
      }
      if (pending[0] === batch) {
        pending.shift();
        pendingDecisions -= batch.size;
        published += batch.size;
      }
      if (failures > 0) options.logger.info({ failures }, 'decision batches published again');
      failures = 0;
    }
  };

  /** Cut full batches (all of them when `all`), then publish; one publisher at a time. */
  const drain = (all: boolean): Promise<void> => {
    while (count >= batchSize || (all && count > 0)) cut();
    publishing ??= publishPending().finally(() => {
      publishing = undefined;
    });
    return publishing;
  };

  /** Double the ring (up to `maxBuffered`), keeping its decisions in order. */
  const grow = (): void => {
    const next = Math.min(maxBuffered, capacity * 2);
    const order = (at: number) => (head + at) % capacity;
    const copy = <T>(old: T[], fill: T): T[] => {
      const out = new Array<T>(next).fill(fill);
      for (let i = 0; i < count; i++) out[i] = old[order(i)]!;
      return out;
    };
    const copyTyped = <A extends Uint8Array | Uint32Array | Float64Array>(old: A, make: (n: number) => A): A => {
      const out = make(next);
      for (let i = 0; i < count; i++) out[i] = old[order(i)]!;
      return out;
    };
    integrations = copy(integrations, '');
    subscribers = copy(subscribers, '');
    products = copy(products, '');
    reasons = copyTyped(reasons, (n) => new Uint8Array(n));
    latencies = copyTyped(latencies, (n) => new Uint32Array(n));
    times = copyTyped(times, (n) => new Float64Array(n));
    head = 0;
    capacity = next;
  };

  const schedule = (): void => {
    if (!running) return;
    const delay = failures === 0 ? options.flushIntervalMs : Math.min(options.flushIntervalMs * 2 ** failures, maxBackoffMs);
    timer = setTimeout(() => {
      void drain(true).finally(schedule);
    }, delay);
    timer.unref();
  };

  return {
    name: 'decision-recorder',
    record(integrationId, subscriberId, product, reason, latencyMicros, atMs) {
      if (count === capacity && capacity < maxBuffered) grow();
      if (count + pendingDecisions >= maxBuffered) {
        // Full: the oldest decisions give way — a whole waiting batch, else the ring's oldest.
        if (pending.length > 1 || count === 0) {
          const lost = pending.shift()!;
          pendingDecisions -= lost.size;
          dropped += lost.size;
        } else {
          head = (head + 1) % capacity;
          count -= 1;
          dropped += 1;
        }
      }
      const at = (head + count) % capacity;
      integrations[at] = integrationId;
      subscribers[at] = subscriberId;
      products[at] = product;
      reasons[at] = reasonCodes.get(reason)!;
      latencies[at] = latencyMicros;
      times[at] = atMs;
      count += 1;
      if (count >= batchSize && !drainScheduled && failures === 0) {
        drainScheduled = true;
        setImmediate(() => {
          drainScheduled = false;
          void drain(false);
        });
      }
    },
    async flush() {
      await publishing;
      await drain(true);
    },
    stats: () => ({ buffered: count + pendingDecisions, published, dropped, failedPublishes }),
    async start() {
      running = true;
      try {
        await options.bus.ensureStream(streams.gateway);
        streamReady = true;
      } catch (error) {
        options.logger.warn({ err: error }, 'cannot create the GATEWAY stream yet; decisions are held until it can be');
      }
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await publishing;
      await drain(true).catch(() => undefined);
      if (count + pendingDecisions > 0) options.logger.warn({ lost: count + pendingDecisions }, 'stopping with decisions not published');
    },
  };
}
