import { randomUUID } from 'node:crypto';
import {
  BusError,
  BusUnavailableError,
  HandlerFailedError,
  NoResponderError,
  NoStreamError,
  RequestFailedError,
  RequestTimeoutError,
  StreamNotFoundError,
} from './errors.ts';
import type {
  Bus,
  BusMessage,
  BusStatus,
  ConsumerSpec,
  Delivery,
  Headers,
  KvEntry,
  KvPutIfOptions,
  KvPutIfOutcome,
  KvSpec,
  KvStatus,
  KvStore,
  KvWatchOptions,
  ObjectInfo,
  ObjectReader,
  ObjectStore,
  ObjectStoreSpec,
  PublishAck,
  PublishOptions,
  RequestOptions,
  Responder,
  StreamSpec,
  Subscription,
} from './port.ts';
import {
  assertValidKey,
  busDefaults,
  errorMessage,
  failedHandlerDelayMs,
  subjectMatches,
  subjectsOverlap,
} from './common.ts';
import { traceIncoming, traceOutgoing } from './tracing.ts';

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /**
   * Accepted for symmetry with `connectNatsBus`, so one configuration drives either adapter.
   * Memory buses never share state, so it isolates nothing further and callers never see it.
   */
  readonly prefix?: string;
  /** Ack wait of consumers that do not set `ackWaitMs`. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Background failures (a handler that threw, a watcher callback that threw). Default: `console.error`. */
  readonly onError?: (error: unknown) => void;
}

/**
 * An in-process bus with the semantics of the NATS adapter: streams with per-stream sequences and a
 * `msgId` window, durable consumers that keep their position per durable name and share work,
 * nak/term/ack-wait/max-deliver, NATS subject wildcards, request/reply with a queue group, and
 * key-value buckets with revisions and watches.
 *
 * Handlers always run on a later tick (never inside `publish`), and byte arrays are copied in and
 * out so that no caller can change what is stored. Used by the embedded single-process mode and by
 * fast tests; the contract suite keeps it honest against NATS.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  return new MemoryBus(options);
}

interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Headers;
  readonly msgId: string | undefined;
  readonly storedAt: number;
}

type Timer = ReturnType<typeof setTimeout>;

function later(ms: number, fn: () => void): Timer {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return timer;
}

class MemoryStream {
  readonly messages: StoredMessage[] = [];
  readonly consumers = new Map<string, MemoryConsumer>();
  private readonly seen = new Map<string, { seq: number; at: number }>();
  private lastSeq = 0;

  constructor(public spec: StreamSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get last(): number {
    return this.lastSeq;
  }

  captures(subject: string): boolean {
    return this.spec.subjects.some((pattern) => subjectMatches(pattern, subject));
  }

  append(subject: string, data: Uint8Array, headers: Headers, msgId: string): { seq: number; duplicate: boolean } {
    const now = Date.now();
    this.forget(now);
    const known = this.seen.get(msgId);
    if (known) return { seq: known.seq, duplicate: true };
    const seq = ++this.lastSeq;
    this.messages.push({ seq, subject, data: data.slice(), headers: { ...headers }, msgId, storedAt: now });
    this.seen.set(msgId, { seq, at: now });
    return { seq, duplicate: false };
  }

  get(seq: number): StoredMessage | undefined {
    this.expire(Date.now());
    const first = this.messages[0];
    if (!first) return undefined;
    return this.messages[seq - first.seq];
  }

  private forget(now: number): void {
    const window = this.spec.duplicateWindowMs ?? busDefaults.duplicateWindowMs;
    // Insertion order is time order, so expired ids are at the front.
    for (const [id, entry] of this.seen) {
      if (now - entry.at < window) break;
      this.seen.delete(id);
    }
  }

  private expire(now: number): void {
    const maxAge = this.spec.maxAgeMs;
    if (maxAge === undefined) return;
    while (this.messages.length > 0 && now - this.messages[0]!.storedAt >= maxAge) this.messages.shift();
  }
}

interface PendingDelivery {
  count: number;
  timer: Timer | undefined;
}

interface ConsumerConfig {
  readonly filterSubject: string | undefined;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
}

/** The durable state of one consumer: its position, what is out for delivery, who is taking work. */
class MemoryConsumer {
  private nextSeq = 1;
  private readonly pending = new Map<number, PendingDelivery>();
  private ready: number[] = [];
  private readonly workers: MemoryWorker[] = [];
  private turn = 0;
  private scheduled = false;

  constructor(
    private readonly bus: MemoryBus,
    readonly stream: MemoryStream,
    readonly durable: string,
    public config: ConsumerConfig,
  ) {}

  attach(worker: MemoryWorker): void {
    this.workers.push(worker);
    this.schedule();
  }

  detach(worker: MemoryWorker): void {
    const index = this.workers.indexOf(worker);
    if (index !== -1) this.workers.splice(index, 1);
  }

  schedule(): void {
    if (this.scheduled || this.bus.isClosed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  /** Stop every timer: the bus is closing. */
  dispose(): void {
    for (const entry of this.pending.values()) if (entry.timer) clearTimeout(entry.timer);
    this.pending.clear();
    this.ready = [];
  }

  private dispatch(): void {
    if (this.bus.isClosed) return;
    for (;;) {
      const worker = this.nextWorker();
      if (!worker) return;
      const message = this.nextMessage();
      if (!message) return;
      this.deliver(worker, message);
    }
  }

  private nextWorker(): MemoryWorker | undefined {
    for (let i = 0; i < this.workers.length; i++) {
      const worker = this.workers[(this.turn + i) % this.workers.length]!;
      if (worker.hasCapacity()) {
        this.turn = (this.turn + i + 1) % this.workers.length;
        return worker;
      }
    }
    return undefined;
  }

  private nextMessage(): StoredMessage | undefined {
    // Redeliveries first, lowest sequence first, as JetStream does.
    while (this.ready.length > 0) {
      const seq = this.ready.shift()!;
      const message = this.stream.get(seq);
      if (message && this.pending.has(seq)) return message;
      this.pending.delete(seq);
    }
    while (this.nextSeq <= this.stream.last) {
      const message = this.stream.get(this.nextSeq++);
      if (!message) continue;
      const filter = this.config.filterSubject;
      if (filter === undefined || subjectMatches(filter, message.subject)) return message;
    }
    return undefined;
  }

  private deliver(worker: MemoryWorker, message: StoredMessage): void {
    const entry = this.pending.get(message.seq) ?? { count: 0, timer: undefined };
    entry.count += 1;
    const attempt = entry.count;
    entry.timer = later(this.config.ackWaitMs, () => {
      if (this.pending.get(message.seq) === entry && entry.count === attempt) {
        entry.timer = undefined;
        this.retry(message.seq, entry, 0);
      }
    });
    this.pending.set(message.seq, entry);

    let settled = false;
    const current = (): boolean => !settled && this.pending.get(message.seq) === entry && entry.count === attempt;
    const settle = (): PendingDelivery | undefined => {
      if (!current()) return undefined;
      settled = true;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
      return entry;
    };
    const delivery: Delivery = {
      subject: message.subject,
      data: message.data.slice(),
      headers: { ...message.headers },
      msgId: message.msgId,
      deliveryCount: attempt,
      streamSeq: message.seq,
      ack: async () => {
        // Like JetStream, a late ack of an earlier delivery still acknowledges the message.
        const latest = this.pending.get(message.seq);
        if (!latest || settled) return;
        settled = true;
        if (latest.timer) clearTimeout(latest.timer);
        this.pending.delete(message.seq);
      },
      nak: (delayMs) => {
        if (settle()) this.retry(message.seq, entry, delayMs ?? this.config.ackWaitMs);
      },
      term: () => {
        if (settle()) this.pending.delete(message.seq);
      },
    };
    worker.run(delivery, () => !settled);
  }

  private retry(seq: number, entry: PendingDelivery, delayMs: number): void {
    if (entry.count >= this.config.maxDeliver) {
      this.pending.delete(seq);
      return;
    }
    const enqueue = (): void => {
      if (this.pending.get(seq) !== entry) return;
      entry.timer = undefined;
      const at = this.ready.findIndex((s) => s > seq);
      if (at === -1) this.ready.push(seq);
      else this.ready.splice(at, 0, seq);
      this.schedule();
    };
    if (delayMs > 0) entry.timer = later(delayMs, enqueue);
    else enqueue();
  }
}

/** One `consume` call: takes deliveries from a durable consumer, `concurrency` at a time. */
class MemoryWorker implements Subscription {
  private inFlight = 0;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly bus: MemoryBus,
    private readonly consumer: MemoryConsumer,
    private readonly concurrency: number,
    private readonly handler: (delivery: Delivery) => Promise<void>,
  ) {}

  hasCapacity(): boolean {
    return !this.stopped && this.inFlight < this.concurrency;
  }

  run(delivery: Delivery, unsettled: () => boolean): void {
    this.inFlight += 1;
    const subject = delivery.subject;
    const attributes = { 'messaging.consumer.group.name': this.consumer.durable };
    traceIncoming({ system: 'memory', kind: 'process', subject, headers: delivery.headers, attributes }, () =>
      this.handler(delivery),
    )
      .catch((error: unknown) => {
        this.bus.report(
          new HandlerFailedError(subject, this.consumer.durable, delivery.deliveryCount, { cause: error }),
        );
        if (unsettled()) delivery.nak(failedHandlerDelayMs(delivery.deliveryCount));
      })
      .finally(() => {
        this.inFlight -= 1;
        this.consumer.schedule();
        if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.consumer.detach(this);
    this.bus.forget(this);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}

/** One `reply` call: answers requests whose subject matches its pattern. */
class MemoryResponder implements Subscription {
  private inFlight = new Set<Promise<unknown>>();
  stopped = false;

  constructor(
    private readonly bus: MemoryBus,
    readonly subject: string,
    private readonly responder: Responder,
  ) {}

  answer(request: BusMessage): Promise<Uint8Array> {
    const work = traceIncoming(
      { system: 'memory', kind: 'reply', subject: request.subject, headers: request.headers },
      () => this.responder(request),
    );
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return work;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bus.forget(this);
    await Promise.all(this.inFlight);
  }
}

class MemoryBucket {
  private revision = 0;
  readonly epoch = randomUUID();
  private readonly entries = new Map<string, KvEntry>();
  private readonly seen = new Map<string, { revision: number; at: number }>();
  readonly watchers = new Set<MemoryWatcher>();

  put(key: string, value: Uint8Array, msgId: string | undefined): number {
    return this.putIf(key, value, () => true, msgId).revision;
  }

  /** Writes unless a live value is stored that `replaces` says must be kept, or `msgId` was seen. */
  putIf(key: string, value: Uint8Array, replaces: (current: KvEntry) => boolean, msgId: string | undefined): KvPutIfOutcome {
    const now = Date.now();
    if (msgId !== undefined) {
      for (const [id, entry] of this.seen) {
        if (now - entry.at < busDefaults.duplicateWindowMs) break;
        this.seen.delete(id);
      }
      const known = this.seen.get(msgId);
      if (known) return { written: false, revision: known.revision };
    }
    const current = this.get(key);
    if (current && !replaces(current)) return { written: false, revision: current.revision };
    const revision = this.write(key, value, 'put');
    if (msgId !== undefined) this.seen.set(msgId, { revision, at: now });
    return { written: true, revision };
  }

  remove(key: string): void {
    this.write(key, new Uint8Array(), 'delete');
  }

  get(key: string): KvEntry | null {
    const entry = this.entries.get(key);
    return entry && entry.operation === 'put' ? { ...entry, value: entry.value.slice() } : null;
  }

  /** Latest entry per key (deletions included) from `fromRevision` on, in revision order. */
  snapshot(fromRevision = 0): KvEntry[] {
    return [...this.entries.values()].filter((e) => e.revision >= fromRevision).sort((a, b) => a.revision - b.revision);
  }

  status(): KvStatus {
    return { entries: this.entries.size, revision: this.revision, epoch: this.epoch };
  }

  private write(key: string, value: Uint8Array, operation: KvEntry['operation']): number {
    const entry: KvEntry = { key, value: value.slice(), revision: ++this.revision, operation };
    this.entries.set(key, entry);
    for (const watcher of this.watchers) watcher.push(entry);
    return entry.revision;
  }
}

const caughtUp = Symbol('caught-up');

/** One `watch` call: replays the snapshot, then `onCaughtUp`, then live changes, on later ticks. */
class MemoryWatcher implements Subscription {
  private readonly queue: (KvEntry | typeof caughtUp)[];
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly bus: MemoryBus,
    private readonly bucket: MemoryBucket,
    private readonly options: KvWatchOptions,
  ) {
    this.queue = [...bucket.snapshot(options.fromRevision), caughtUp];
    bucket.watchers.add(this);
    this.schedule();
  }

  push(entry: KvEntry): void {
    this.queue.push(entry);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bucket.watchers.delete(this);
    this.bus.forget(this);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (!this.stopped && this.queue.length > 0) {
      const item = this.queue.shift()!;
      try {
        if (item === caughtUp) this.options.onCaughtUp?.();
        else this.options.onEntry({ ...item, value: item.value.slice() });
      } catch (error) {
        this.bus.report(error);
      }
    }
  }
}

class MemoryKvStore implements KvStore {
  constructor(
    private readonly bus: MemoryBus,
    readonly bucket: string,
    private readonly state: MemoryBucket,
  ) {}

  async put(key: string, value: Uint8Array, options?: { readonly msgId?: string }): Promise<number> {
    this.bus.assertOpen();
    assertValidKey(key);
    return this.state.put(key, value, options?.msgId);
  }

  async putIf(key: string, value: Uint8Array, options: KvPutIfOptions): Promise<KvPutIfOutcome> {
    this.bus.assertOpen();
    assertValidKey(key);
    return this.state.putIf(key, value, options.replaces, options.msgId);
  }

  async get(key: string): Promise<KvEntry | null> {
    this.bus.assertOpen();
    assertValidKey(key);
    return this.state.get(key);
  }

  async delete(key: string): Promise<void> {
    this.bus.assertOpen();
    assertValidKey(key);
    this.state.remove(key);
  }

  async watch(options: KvWatchOptions): Promise<Subscription> {
    this.bus.assertOpen();
    return this.bus.track(new MemoryWatcher(this.bus, this.state, options));
  }

  async status(): Promise<KvStatus> {
    this.bus.assertOpen();
    return this.state.status();
  }
}

interface StoredObject {
  readonly info: ObjectInfo;
  readonly chunks: readonly Uint8Array[];
}

/** Objects kept whole in memory; a replaced value stays readable by whoever already holds it. */
class MemoryObjectStore implements ObjectStore {
  constructor(
    private readonly bus: MemoryBus,
    readonly bucket: string,
    private readonly objects: Map<string, StoredObject>,
  ) {}

  async put(name: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.bus.assertOpen();
    assertValidKey(name);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data instanceof Uint8Array ? [data] : data) {
      if (chunk.byteLength === 0) continue;
      chunks.push(chunk.slice());
      size += chunk.byteLength;
    }
    this.bus.assertOpen();
    const info: ObjectInfo = { name, size, modifiedAt: new Date() };
    this.objects.set(name, { info, chunks });
    return { ...info };
  }

  async get(name: string): Promise<ObjectReader | null> {
    this.bus.assertOpen();
    assertValidKey(name);
    const stored = this.objects.get(name);
    if (!stored) return null;
    return {
      info: { ...stored.info },
      chunks: (async function* () {
        for (const chunk of stored.chunks) yield chunk.slice();
      })(),
    };
  }

  async info(name: string): Promise<ObjectInfo | null> {
    this.bus.assertOpen();
    assertValidKey(name);
    const stored = this.objects.get(name);
    return stored ? { ...stored.info } : null;
  }

  async delete(name: string): Promise<void> {
    this.bus.assertOpen();
    assertValidKey(name);
    this.objects.delete(name);
  }
}

class MemoryBus implements Bus {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly buckets = new Map<string, MemoryBucket>();
  private readonly objectBuckets = new Map<string, Map<string, StoredObject>>();
  private readonly responders: MemoryResponder[] = [];
  private readonly subscriptions = new Set<Subscription>();
  private readonly listeners = new Set<(status: BusStatus) => void>();
  private readonly openRequests = new Set<() => void>();
  private closing: Promise<void> | undefined;
  private turn = 0;
  private readonly ackWaitMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(options: MemoryBusOptions) {
    this.ackWaitMs = options.ackWaitMs ?? busDefaults.ackWaitMs;
    this.onError = options.onError ?? ((error) => console.error('[@sva/bus memory]', error));
  }

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  assertOpen(): void {
    if (this.closing) throw new BusUnavailableError('the bus is closed');
  }

  report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // An error reporter that throws must not break delivery.
    }
  }

  track<S extends Subscription>(subscription: S): S {
    this.subscriptions.add(subscription);
    return subscription;
  }

  forget(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
    if (subscription instanceof MemoryResponder) {
      const index = this.responders.indexOf(subscription);
      if (index !== -1) this.responders.splice(index, 1);
    }
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    this.assertOpen();
    for (const other of this.streams.values()) {
      if (other.name === spec.name) continue;
      const clash = spec.subjects.find((s) => other.spec.subjects.some((o) => subjectsOverlap(s, o)));
      if (clash !== undefined) {
        throw new BusError(`stream ${spec.name}: subject ${clash} overlaps stream ${other.name}`);
      }
    }
    const existing = this.streams.get(spec.name);
    if (existing) existing.spec = { ...spec, subjects: [...spec.subjects] };
    else this.streams.set(spec.name, new MemoryStream({ ...spec, subjects: [...spec.subjects] }));
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck> {
    this.assertOpen();
    return traceOutgoing(
      { system: 'memory', kind: 'publish', subject, headers: options.headers, msgId: options.msgId },
      async (headers) => {
        const stream = [...this.streams.values()].find((s) => s.captures(subject));
        if (!stream) throw new NoStreamError(subject);
        const { seq, duplicate } = stream.append(subject, data, headers, options.msgId);
        if (!duplicate) for (const consumer of stream.consumers.values()) consumer.schedule();
        return { stream: stream.name, seq, duplicate };
      },
    );
  }

  async consume(spec: ConsumerSpec, handler: (delivery: Delivery) => Promise<void>): Promise<Subscription> {
    this.assertOpen();
    const stream = this.streams.get(spec.stream);
    if (!stream) throw new StreamNotFoundError(spec.stream);
    const config: ConsumerConfig = {
      filterSubject: spec.filterSubject,
      maxDeliver: spec.maxDeliver ?? busDefaults.maxDeliver,
      ackWaitMs: spec.ackWaitMs ?? this.ackWaitMs,
    };
    let consumer = stream.consumers.get(spec.durable);
    if (consumer) consumer.config = config;
    else {
      consumer = new MemoryConsumer(this, stream, spec.durable, config);
      stream.consumers.set(spec.durable, consumer);
    }
    const worker = new MemoryWorker(this, consumer, Math.max(1, spec.concurrency ?? busDefaults.concurrency), handler);
    consumer.attach(worker);
    return this.track(worker);
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions = {}): Promise<BusMessage> {
    this.assertOpen();
    const timeoutMs = options.timeoutMs ?? busDefaults.requestTimeoutMs;
    return traceOutgoing({ system: 'memory', kind: 'request', subject, headers: options.headers }, (headers) => {
      const candidates = this.responders.filter((r) => !r.stopped && subjectMatches(r.subject, subject));
      if (candidates.length === 0) return Promise.reject(new NoResponderError(subject));
      const responder = candidates[this.turn++ % candidates.length]!;
      const request: BusMessage = { subject, data: data.slice(), headers, msgId: undefined };
      return new Promise<BusMessage>((resolve, reject) => {
        const finish = (outcome: () => void): void => {
          clearTimeout(timer);
          this.openRequests.delete(abort);
          outcome();
        };
        const abort = (): void => finish(() => reject(new BusUnavailableError('the bus closed before the reply')));
        const timer = later(timeoutMs, () => finish(() => reject(new RequestTimeoutError(subject, timeoutMs))));
        this.openRequests.add(abort);
        setImmediate(() => {
          responder.answer(request).then(
            (reply) => {
              if (this.openRequests.has(abort)) {
                finish(() => resolve({ subject, data: reply.slice(), headers: {}, msgId: undefined }));
              }
            },
            (error: unknown) => {
              if (this.openRequests.has(abort)) {
                finish(() => reject(new RequestFailedError(subject, errorMessage(error))));
              }
            },
          );
        });
      });
    });
  }

  async reply(subject: string, responder: Responder): Promise<Subscription> {
    this.assertOpen();
    const subscription = new MemoryResponder(this, subject, responder);
    this.responders.push(subscription);
    return this.track(subscription);
  }

  async kv(spec: KvSpec): Promise<KvStore> {
    this.assertOpen();
    if (!/^[A-Za-z0-9_-]+$/.test(spec.bucket)) throw new BusError(`invalid bucket name ${JSON.stringify(spec.bucket)}`);
    let state = this.buckets.get(spec.bucket);
    if (!state) {
      state = new MemoryBucket();
      this.buckets.set(spec.bucket, state);
    }
    return new MemoryKvStore(this, spec.bucket, state);
  }

  async objects(spec: ObjectStoreSpec): Promise<ObjectStore> {
    this.assertOpen();
    if (!/^[A-Za-z0-9_-]+$/.test(spec.bucket)) throw new BusError(`invalid bucket name ${JSON.stringify(spec.bucket)}`);
    let objects = this.objectBuckets.get(spec.bucket);
    if (!objects) {
      objects = new Map();
      this.objectBuckets.set(spec.bucket, objects);
    }
    return new MemoryObjectStore(this, spec.bucket, objects);
  }

  status(): BusStatus {
    return this.closing ? 'closed' : 'connected';
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    for (const stream of this.streams.values()) for (const consumer of stream.consumers.values()) consumer.dispose();
    for (const abort of [...this.openRequests]) abort();
    for (const listener of this.listeners) listener('closed');
  }
}
