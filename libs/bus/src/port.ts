/**
 * The message-bus port: the little the services need from a bus, and nothing more.
 *
 * Names here are *logical*: `catalog.integration.changed.v1`, stream `CATALOG`, bucket
 * `entitlements`. An adapter may add a run prefix (so parallel test runs never see each
 * other), but callers never see it: subjects on received messages are logical again.
 *
 * Two adapters implement it and one contract suite (`test/bus-contract.ts`) runs against both:
 * - `connectNatsBus` (NATS JetStream, production),
 * - `createMemoryBus` (in-process, for the embedded single-process mode and fast tests).
 */

/** Message headers. W3C trace context (`traceparent`, `tracestate`) travels here. */
export type Headers = Readonly<Record<string, string>>;

/** A stream owned by one service: where its events are kept for durable consumers. */
export interface StreamSpec {
  /** Logical stream name, e.g. `CATALOG`. */
  readonly name: string;
  /** Logical subjects captured, e.g. `['catalog.>']`. */
  readonly subjects: readonly string[];
  /** How long a `msgId` is remembered for de-duplication. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** Drop messages older than this. Default: keep (limits are the deployment's business). */
  readonly maxAgeMs?: number;
}

export interface PublishOptions {
  /**
   * De-duplication id. A second publish with the same id inside the stream's duplicate window
   * is acknowledged but not stored again. The outbox uses its row id here.
   */
  readonly msgId: string;
  readonly headers?: Headers;
}

export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  /** True when the bus recognised `msgId` and did not store the message again. */
  readonly duplicate: boolean;
}

/** A message as a handler sees it. */
export interface BusMessage {
  /** Logical subject (prefix removed). */
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Headers;
  /** The publisher's de-duplication id, when it gave one. Consumers record it to stay idempotent. */
  readonly msgId: string | undefined;
}

/** One delivery from a durable consumer. Settle it exactly once. */
export interface Delivery extends BusMessage {
  /** 1 on the first delivery, 2 on the first redelivery, … */
  readonly deliveryCount: number;
  /** Position in the stream (monotonic per stream). */
  readonly streamSeq: number;
  /**
   * Done: never deliver again. The acknowledgement is sent without waiting for the server to
   * confirm it (a confirmation round trip per message halves a consumer's throughput); if it is
   * lost on the way, the message comes once more — which every consumer tolerates, since delivery
   * is at least once anyway.
   */
  ack(): Promise<void>;
  /** Failed, try again after `delayMs` (default: the adapter's ack wait). */
  nak(delayMs?: number): void;
  /** Poison: never deliver again, and say why (logged by the caller). */
  term(reason: string): void;
}

export interface ConsumerSpec {
  /** Logical stream to read. */
  readonly stream: string;
  /** Durable name: consumers with the same name share progress (and the work, across replicas). */
  readonly durable: string;
  /** Only subjects matching this filter are delivered. Defaults to the whole stream. */
  readonly filterSubject?: string;
  /** After this many deliveries a message is dropped (the caller should have termed it). Default 10. */
  readonly maxDeliver?: number;
  /** Redeliver when not settled within this time. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Deliveries handled at once. Default 1 (in order). */
  readonly concurrency?: number;
}

/** A running consumer, request responder or watch. */
export interface Subscription {
  /** Stop taking new work and wait until the work in hand has settled. */
  stop(): Promise<void>;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly headers?: Headers;
}

/**
 * The answer to a request. Handlers reply with bytes; a handler that throws makes the requester's
 * promise reject with `RequestFailedError` carrying the error message.
 */
export type Responder = (request: BusMessage) => Promise<Uint8Array>;

/** One value of a keyed last-value store. */
export interface KvEntry {
  readonly key: string;
  /** Empty on deletions. */
  readonly value: Uint8Array;
  /** Monotonic per bucket. */
  readonly revision: number;
  readonly operation: 'put' | 'delete';
}

export interface KvWatchOptions {
  /** Called for every current value (at start) and every later change, in revision order. */
  readonly onEntry: (entry: KvEntry) => void;
  /**
   * Called once, after the values present when the watch started have all been delivered
   * (immediately when the bucket is empty). The gateway reports ready after this.
   */
  readonly onCaughtUp?: () => void;
  /**
   * Start at this revision instead of at the latest value of every key: every entry still stored
   * with a revision ≥ `fromRevision`, in revision order, then `onCaughtUp`, then changes. On a
   * bucket keeping one value per key this is exactly what changed after revision
   * `fromRevision - 1` (a key written several times since shows its last value only), so a reader
   * holding a copy of the bucket as of that revision can catch up without a full replay.
   */
  readonly fromRevision?: number;
}

/** Where a keyed last-value store stands. */
export interface KvStatus {
  /** Entries stored: the latest per key, deletion markers included. */
  readonly entries: number;
  /** Revision of the latest write; 0 when nothing was ever written. */
  readonly revision: number;
  /**
   * Names this incarnation of the bucket. It changes when the bucket is deleted and created again
   * (its revisions then start over), so a copy tagged with a revision of an older incarnation
   * must not be caught up with `fromRevision`.
   */
  readonly epoch: string;
}

/** Options of {@link KvStore.putIf}. */
export interface KvPutIfOptions {
  /**
   * Whether the new value may replace `current`, the value stored under the key now (never a
   * deletion: a key that is missing or deleted is always written). For state-carrying values:
   * true only when the new value's version is higher than the stored one's.
   */
  readonly replaces: (current: KvEntry) => boolean;
  /** As for `put`: a repeated write inside the duplicate window is ignored. */
  readonly msgId?: string;
}

/** What {@link KvStore.putIf} did. */
export interface KvPutIfOutcome {
  /** True when the value was stored; false when the stored one was kept (or `msgId` was a repeat). */
  readonly written: boolean;
  /** Revision of the value now stored under the key (the new one when written). */
  readonly revision: number;
}

/** A keyed last-value store: per key only the latest value matters (the gateway's view is built on it). */
export interface KvStore {
  readonly bucket: string;
  /** Write a value. With `msgId`, a repeated write inside the duplicate window is ignored. */
  put(key: string, value: Uint8Array, options?: { readonly msgId?: string }): Promise<number>;
  /**
   * Write a value unless the stored one must be kept (`options.replaces` says false): a
   * compare-and-set on the key's revision, read again and retried when another writer got in
   * between, so concurrent writers (two outbox relays) never replace a newer state with an older
   * one whatever the order their writes arrive in.
   */
  putIf(key: string, value: Uint8Array, options: KvPutIfOptions): Promise<KvPutIfOutcome>;
  get(key: string): Promise<KvEntry | null>;
  delete(key: string): Promise<void>;
  watch(options: KvWatchOptions): Promise<Subscription>;
  /** Entries, latest revision and incarnation of the bucket. */
  status(): Promise<KvStatus>;
}

export interface KvSpec {
  /** Logical bucket name, e.g. `entitlements`. Keys may contain `[A-Za-z0-9_=.-]`. */
  readonly bucket: string;
  /** Values kept per key; 1 means last value only. Default 1. */
  readonly history?: number;
}

export interface ObjectStoreSpec {
  /** Logical bucket name, e.g. `gateway-snapshots`. */
  readonly bucket: string;
}

/** What is stored under one object name. */
export interface ObjectInfo {
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  readonly modifiedAt: Date;
}

/** A stored object being read. */
export interface ObjectReader {
  readonly info: ObjectInfo;
  /**
   * The bytes, in order, in chunks whose boundaries are the adapter's. Iterate once. Throws
   * `ObjectReadError` when the object cannot be read whole (its digest does not match, or it
   * was replaced and its old chunks removed while being read): a reader never gets a mix.
   */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * Named large values, stored in chunks (NATS object store): what does not fit one message, such
 * as the gateway's view snapshot. A `put` replaces the value under the name once the whole new
 * value is stored; readers see the old value or the new one, never a mix.
 */
export interface ObjectStore {
  readonly bucket: string;
  /** Store `data` (bytes, or chunks of bytes) under `name`; names follow the key-value key rules. */
  put(name: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<ObjectInfo>;
  /** Read the object, or null when there is none under `name`. */
  get(name: string): Promise<ObjectReader | null>;
  info(name: string): Promise<ObjectInfo | null>;
  delete(name: string): Promise<void>;
}

export type BusStatus = 'connected' | 'reconnecting' | 'closed';

export interface Bus {
  /** Create the stream if missing, or update it to match (idempotent; safe from every replica). */
  ensureStream(spec: StreamSpec): Promise<void>;
  /** Publish durably: resolves once the bus has stored the message (or recognised it as a duplicate). */
  publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck>;
  /**
   * Run `handler` for each delivery of a durable consumer (created idempotently). The handler must
   * settle each delivery (`ack`, `nak`, `term`); if it throws, the delivery is nak'ed with backoff.
   */
  consume(spec: ConsumerSpec, handler: (delivery: Delivery) => Promise<void>): Promise<Subscription>;
  /** Send a request and wait for one reply. Rejects with `NoResponderError` or `RequestTimeoutError`. */
  request(subject: string, data: Uint8Array, options?: RequestOptions): Promise<BusMessage>;
  /** Answer requests on `subject`; replicas share the load (queue group). */
  reply(subject: string, responder: Responder): Promise<Subscription>;
  /** Open (creating idempotently) a keyed last-value store. */
  kv(spec: KvSpec): Promise<KvStore>;
  /** Open (creating idempotently) a store of named large values. */
  objects(spec: ObjectStoreSpec): Promise<ObjectStore>;
  /** Current connectivity, for readiness and for the gateway's staleness report. */
  status(): BusStatus;
  /** Be told when connectivity changes. Returns an unsubscribe function. */
  onStatus(listener: (status: BusStatus) => void): () => void;
  /** Stop everything gracefully: let in-flight work finish, flush, close. */
  close(): Promise<void>;
}
