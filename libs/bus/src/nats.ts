import {
  ClosedConnectionError,
  DrainingConnectionError,
  Empty,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type QueuedIterator,
  NoRespondersError,
  RequestError,
  type Subscription as NatsSubscription,
  TimeoutError,
  connect,
  headers as natsHeaders,
  nanos,
} from '@nats-io/transport-node';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamClient,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type KV, type KvWatchEntry, Kvm } from '@nats-io/kv';
import { type ObjectInfo as NatsObjectInfo, type ObjectStore as NatsObjStore, Objm, setSha256Backend } from '@nats-io/obj';
import {
  BusError,
  BusUnavailableError,
  HandlerFailedError,
  NoResponderError,
  NoStreamError,
  ObjectReadError,
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
import { assertValidKey, busDefaults, errorMessage, failedHandlerDelayMs } from './common.ts';
import { traceIncoming, traceOutgoing } from './tracing.ts';

/** Options of {@link connectNatsBus}. */
export interface NatsBusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /**
   * Run prefix such as `t8f3a.` isolating this bus from others on the same server: subjects become
   * `t8f3a.catalog.x.v1`, streams `T8F3A_CATALOG`, buckets `t8f3a_entitlements`. Callers keep using
   * logical names and see them on received messages. Default: none (names used as given).
   */
  readonly prefix?: string;
  /** Connection name shown by the server (`nats server report connections`). */
  readonly name?: string;
  /** Background failures: a handler that threw, a consumer that had to be recreated, a lost connection. */
  readonly onError?: (error: unknown) => void;
  /**
   * Replicas of the streams, KV buckets and object buckets this bus creates: 3 on a three-node
   * JetStream cluster. Default 1. Streams are brought to this count on every start; existing
   * buckets keep theirs (change them with `nats stream edit KV_<bucket> --replicas N`).
   */
  readonly streamReplicas?: number;
}

/** Queue group shared by every `reply` subscription, so replicas of a service share requests. */
const responderQueue = 'svc';
/** Header carrying a responder's failure (the NATS micro-services convention). */
const serviceErrorHeader = 'Nats-Service-Error';
const serviceErrorCodeHeader = 'Nats-Service-Error-Code';
const msgIdHeader = 'Nats-Msg-Id';
const reconnectTimeWaitMs = 1_000;
const drainTimeoutMs = 5_000;
/** Object chunks: well under the server's default 1 MiB message limit. */
const objectChunkBytes = 512 * 1024;
/** A read that receives no chunk for this long has lost its object (replaced under it) or the server. */
const objectIdleTimeoutMs = 15_000;

// Objects are digested with node's own SHA-256 rather than the client's portable JS one.
setSha256Backend('native');

/**
 * Connect to NATS and return the bus on JetStream (streams, durable pull consumers, KV) and core
 * NATS (request/reply). The connection reconnects forever (`maxReconnectAttempts: -1`), so the bus
 * survives a NATS restart: `status()` says `reconnecting` meanwhile, consumers and watches resume.
 *
 * Works with NATS 2.9 and later: it uses a single `filter_subject` per consumer and no stream
 * metadata or compression. Rejects with `BusUnavailableError` when the first connection fails.
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const names = new Names(options.prefix ?? '');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: reconnectTimeWaitMs,
      pingInterval: 20_000,
    });
  } catch (error) {
    throw new BusUnavailableError(`cannot connect to NATS at ${String(options.servers)}`, { cause: error });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (error) {
    await nc.close();
    throw new BusUnavailableError('JetStream is not available on this NATS server', { cause: error });
  }
  const onError = options.onError ?? ((error: unknown) => console.error('[@sva/bus nats]', error));
  return new NatsBus(nc, jsm, jsm.jetstream(), names, onError, options.streamReplicas ?? 1);
}

/** How logical names map to names on the server for one prefix. */
class Names {
  private readonly streamPrefix: string;
  private readonly bucketPrefix: string;
  readonly prefix: string;

  constructor(prefix: string) {
    if (/[\s*>]/.test(prefix)) throw new BusError(`invalid bus prefix ${JSON.stringify(prefix)}`);
    this.prefix = prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
    const token = this.prefix.replace(/\.+$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
    this.streamPrefix = token === '' ? '' : `${token.toUpperCase()}_`;
    this.bucketPrefix = token === '' ? '' : `${token.toLowerCase()}_`;
  }

  subject(logical: string): string {
    return this.prefix + logical;
  }

  logicalSubject(subject: string): string {
    return subject.startsWith(this.prefix) ? subject.slice(this.prefix.length) : subject;
  }

  stream(logical: string): string {
    return this.streamPrefix + logical;
  }

  logicalStream(stream: string): string {
    return stream.startsWith(this.streamPrefix) ? stream.slice(this.streamPrefix.length) : stream;
  }

  bucket(logical: string): string {
    return this.bucketPrefix + logical;
  }
}

function toNatsHeaders(headers: Readonly<Record<string, string>>): MsgHdrs | undefined {
  const keys = Object.keys(headers);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const key of keys) h.set(key, headers[key]!);
  return h;
}

/** Application headers of a message: the protocol's own `Nats-*` headers are left out. */
function fromNatsHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) {
    if (key.toLowerCase().startsWith('nats-')) continue;
    out[key] = h.get(key);
  }
  return out;
}

/**
 * Node's transport hands out `Buffer`s; callers get plain `Uint8Array`s on both adapters (a view,
 * no copy), so that comparisons and serialisation behave the same everywhere.
 */
function plainBytes(data: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(data) === Uint8Array.prototype
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** `+TERM <reason>` is understood from NATS 2.11; older servers ignore the whole term with a reason. */
function serverTakesTermReason(nc: NatsConnection): boolean {
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 11);
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function isNoResponders(error: unknown): boolean {
  return causeChain(error).some(
    (e) => e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders()),
  );
}

function isTimeout(error: unknown): boolean {
  return causeChain(error).some((e) => e instanceof TimeoutError);
}

function isConnectionGone(error: unknown): boolean {
  return causeChain(error).some((e) => e instanceof ClosedConnectionError || e instanceof DrainingConnectionError);
}

function apiErrorCode(error: unknown): number | undefined {
  return error instanceof JetStreamApiError ? error.apiError().err_code : undefined;
}

/** Another writer changed the key since it was read (`Nats-Expected-Last-Subject-Sequence` failed). */
function isWrongLastSequence(error: unknown): boolean {
  const code = apiErrorCode(error);
  return code === JetStreamApiCodes.StreamWrongLastSequence || code === JetStreamApiCodes.StreamWrongLastSequenceUnknown;
}

/** Compare-and-set rounds of one `putIf` before giving up (each lost round means another writer won one). */
const maxPutIfAttempts = 50;

const streamNotFoundCode = 10059;
const streamNameInUseCode = 10058;

/** Closed/draining connections become `BusUnavailableError`; anything else is returned as is. */
function unavailableOr(error: unknown, what: string): unknown {
  return isConnectionGone(error) ? new BusUnavailableError(`${what}: the connection is closed`, { cause: error }) : error;
}

function pause(ms: number, wake: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

class NatsBus implements Bus {
  private current: BusStatus = 'connected';
  private readonly listeners = new Set<(status: BusStatus) => void>();
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | undefined;
  readonly kvm: Kvm;
  readonly objm: Objm;

  constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly names: Names,
    private readonly onError: (error: unknown) => void,
    /** `NatsBusOptions.streamReplicas`. */
    readonly replicas: number = 1,
  ) {
    this.kvm = new Kvm(js);
    this.objm = new Objm(js);
    void this.followConnection();
    void nc.closed().then((error) => {
      if (error) this.report(error);
      this.setStatus('closed');
    });
  }

  report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // An error reporter that throws must not break the consumers.
    }
  }

  assertOpen(): void {
    if (this.closing || this.nc.isClosed()) throw new BusUnavailableError('the bus is closed');
  }

  get isClosed(): boolean {
    return this.closing !== undefined || this.nc.isClosed();
  }

  track<S extends Subscription>(subscription: S): S {
    this.subscriptions.add(subscription);
    return subscription;
  }

  forget(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
  }

  private async followConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
        case 'reconnecting':
        case 'staleConnection':
          this.setStatus('reconnecting');
          break;
        case 'reconnect':
          this.setStatus('connected');
          break;
        case 'close':
          this.setStatus('closed');
          break;
        case 'error':
          this.report(s.error);
          break;
        case 'slowConsumer':
          this.report(new BusError(`slow consumer on ${s.sub.getSubject()}: ${s.pending} messages pending`));
          break;
        default:
          break;
      }
    }
  }

  private setStatus(status: BusStatus): void {
    if (this.current === status || this.current === 'closed') return;
    this.current = status;
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.report(error);
      }
    }
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    this.assertOpen();
    const name = this.names.stream(spec.name);
    const maxAge = spec.maxAgeMs ?? 0;
    let window = spec.duplicateWindowMs ?? busDefaults.duplicateWindowMs;
    // The server refuses a duplicate window longer than the maximum age.
    if (maxAge > 0) window = Math.min(window, maxAge);
    const settings = {
      subjects: spec.subjects.map((s) => this.names.subject(s)),
      duplicate_window: nanos(window),
      max_age: nanos(maxAge),
      num_replicas: this.replicas,
    };
    try {
      await this.jsm.streams.add({
        name,
        ...settings,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
      });
    } catch (error) {
      if (apiErrorCode(error) !== streamNameInUseCode) {
        throw new BusError(`cannot create stream ${spec.name}`, { cause: unavailableOr(error, 'ensureStream') });
      }
      try {
        await this.jsm.streams.update(name, settings);
      } catch (updateError) {
        throw new BusError(`cannot update stream ${spec.name}`, { cause: updateError });
      }
    }
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck> {
    this.assertOpen();
    return traceOutgoing(
      { system: 'nats', kind: 'publish', subject, headers: options.headers, msgId: options.msgId },
      async (headers) => {
        try {
          const ack = await this.js.publish(this.names.subject(subject), data, {
            msgID: options.msgId,
            headers: toNatsHeaders(headers),
          });
          return { stream: this.names.logicalStream(ack.stream), seq: ack.seq, duplicate: ack.duplicate };
        } catch (error) {
          if (isNoResponders(error)) throw new NoStreamError(subject, { cause: error });
          if (isTimeout(error)) throw new BusUnavailableError(`publish on ${subject} was not confirmed`, { cause: error });
          throw unavailableOr(error, `publish on ${subject}`);
        }
      },
    );
  }

  /** Create the durable consumer, or bring an existing one in line with `config`. */
  async ensureConsumer(spec: ConsumerSpec, config: Partial<ConsumerConfig>): Promise<void> {
    const stream = this.names.stream(spec.stream);
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (error) {
      if (apiErrorCode(error) === streamNotFoundCode) throw new StreamNotFoundError(spec.stream, { cause: error });
      if (!(error instanceof JetStreamApiError)) throw unavailableOr(error, `consumer ${spec.durable}`);
      // Servers from 2.10 refuse to "create" a durable whose configuration changed: update it.
      await this.jsm.consumers.update(stream, spec.durable, {
        max_deliver: config.max_deliver,
        ack_wait: config.ack_wait,
        filter_subject: config.filter_subject,
      });
    }
  }

  async consume(spec: ConsumerSpec, handler: (delivery: Delivery) => Promise<void>): Promise<Subscription> {
    this.assertOpen();
    const consumer = new NatsConsumer(this, spec, handler);
    await consumer.start();
    return this.track(consumer);
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions = {}): Promise<BusMessage> {
    this.assertOpen();
    const timeoutMs = options.timeoutMs ?? busDefaults.requestTimeoutMs;
    return traceOutgoing({ system: 'nats', kind: 'request', subject, headers: options.headers }, async (headers) => {
      let reply: Msg;
      try {
        reply = await this.nc.request(this.names.subject(subject), data, {
          timeout: timeoutMs,
          headers: toNatsHeaders(headers),
        });
      } catch (error) {
        if (isNoResponders(error)) throw new NoResponderError(subject, { cause: error });
        if (isTimeout(error)) throw new RequestTimeoutError(subject, timeoutMs, { cause: error });
        throw unavailableOr(error, `request on ${subject}`);
      }
      const failure = reply.headers?.get(serviceErrorHeader);
      if (failure) throw new RequestFailedError(subject, failure);
      return { subject, data: plainBytes(reply.data), headers: fromNatsHeaders(reply.headers), msgId: undefined };
    });
  }

  async reply(subject: string, responder: Responder): Promise<Subscription> {
    this.assertOpen();
    return this.track(new NatsResponder(this, subject, responder));
  }

  async kv(spec: KvSpec): Promise<KvStore> {
    this.assertOpen();
    const name = this.names.bucket(spec.bucket);
    const history = spec.history ?? busDefaults.kvHistory;
    let kv: KV;
    try {
      kv = await this.kvm.create(name, { history, replicas: this.replicas });
      const status = await kv.status();
      if (status.history !== history) {
        await this.jsm.streams.update(status.streamInfo.config.name, { max_msgs_per_subject: history });
      }
    } catch (error) {
      throw new BusError(`cannot open bucket ${spec.bucket}`, { cause: unavailableOr(error, 'kv') });
    }
    return new NatsKvStore(this, spec.bucket, name, kv);
  }

  async objects(spec: ObjectStoreSpec): Promise<ObjectStore> {
    this.assertOpen();
    const name = this.names.bucket(spec.bucket);
    try {
      return new NatsObjectStore(this, spec.bucket, await this.objm.create(name, { storage: StorageType.File, replicas: this.replicas }));
    } catch (error) {
      throw new BusError(`cannot open object bucket ${spec.bucket}`, { cause: unavailableOr(error, 'objects') });
    }
  }

  status(): BusStatus {
    return this.nc.isClosed() ? 'closed' : this.current;
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
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    if (!this.nc.isClosed()) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A drain cannot finish while the server is away; do not hang the shutdown on it.
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
      });
      try {
        const outcome = await Promise.race([this.nc.drain().then(() => 'drained' as const), timedOut]);
        if (outcome === 'timeout') await this.nc.close();
      } catch (error) {
        if (!isConnectionGone(error)) this.report(error);
        await this.nc.close();
      } finally {
        clearTimeout(timer);
      }
    }
    this.setStatus('closed');
  }
}

/**
 * One `consume` call: a durable pull consumer read with `consume()`, handlers run `concurrency` at a
 * time. nats.js re-pulls after a reconnect and after missed heartbeats; when the iterator ends anyway
 * (consumer deleted, stream recreated, connection trouble) this loop recreates the consumer and
 * resumes, with backoff, until stopped.
 */
class NatsConsumer implements Subscription {
  private readonly stream: string;
  private readonly config: Partial<ConsumerConfig>;
  private readonly ackWaitMs: number;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly spec: ConsumerSpec,
    private readonly handler: (delivery: Delivery) => Promise<void>,
  ) {
    this.stream = bus.names.stream(spec.stream);
    this.ackWaitMs = spec.ackWaitMs ?? busDefaults.ackWaitMs;
    this.concurrency = Math.max(1, spec.concurrency ?? busDefaults.concurrency);
    this.config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: spec.maxDeliver ?? busDefaults.maxDeliver,
      ack_wait: nanos(this.ackWaitMs),
      filter_subject: spec.filterSubject === undefined ? undefined : bus.names.subject(spec.filterSubject),
    };
  }

  async start(): Promise<void> {
    await this.bus.ensureConsumer(this.spec, this.config);
    const first = await this.open();
    this.loop = this.run(first);
  }

  stop(): Promise<void> {
    this.stopped ??= this.halt();
    return this.stopped;
  }

  private async halt(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // Closing stops the pulls; messages already fetched still flow through `take`, which naks them.
    void this.messages?.close().catch(() => undefined);
    await this.loop;
    await Promise.all(this.inFlight);
    this.bus.forget(this);
  }

  private async open(): Promise<ConsumerMessages> {
    const consumer = await this.bus.js.consumers.get(this.stream, this.spec.durable);
    // A small prefetch: fetched messages wait for a free handler while their ack wait runs.
    const messages = await consumer.consume({ max_messages: Math.max(8, this.concurrency * 2) });
    this.messages = messages;
    if (this.stopping) void messages.close().catch(() => undefined);
    void this.watch(messages);
    return messages;
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const notice of messages.status()) {
      if (notice.type === 'consumer_deleted' || notice.type === 'consumer_not_found') {
        this.bus.report(new BusError(`consumer ${this.spec.durable} on ${this.spec.stream} is gone, recreating it`));
        void messages.close().catch(() => undefined);
      } else if (notice.type === 'stream_not_found') {
        this.bus.report(new StreamNotFoundError(this.spec.stream));
        void messages.close().catch(() => undefined);
      }
    }
  }

  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    let failures = 0;
    while (!this.stopping && !this.bus.nc.isClosed()) {
      try {
        if (!messages) {
          await this.bus.ensureConsumer(this.spec, this.config);
          messages = await this.open();
        }
        for await (const m of messages) {
          await this.take(m);
          failures = 0;
        }
      } catch (error) {
        if (!this.stopping) this.bus.report(error);
      }
      messages = undefined;
      this.messages = undefined;
      if (this.stopping || this.bus.nc.isClosed()) break;
      await pause(Math.min(250 * 2 ** failures, 10_000), (wake) => (this.wake = wake));
      failures += 1;
    }
  }

  private async take(m: JsMsg): Promise<void> {
    while (!this.stopping && this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.stopping) {
      m.nak();
      return;
    }
    const work: Promise<void> = this.handle(m).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async handle(m: JsMsg): Promise<void> {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      return true;
    };
    const delivery: Delivery = {
      subject: this.bus.names.logicalSubject(m.subject),
      data: plainBytes(m.data),
      headers: fromNatsHeaders(m.headers),
      msgId: m.headers?.get(msgIdHeader) || undefined,
      deliveryCount: m.info.deliveryCount,
      streamSeq: m.info.streamSequence,
      ack: async () => {
        if (settle()) m.ack();
      },
      nak: (delayMs) => {
        if (settle()) m.nak(delayMs ?? this.ackWaitMs);
      },
      term: (reason) => {
        if (settle()) m.term(serverTakesTermReason(this.bus.nc) ? reason : undefined);
      },
    };
    try {
      const attributes = { 'messaging.consumer.group.name': this.spec.durable };
      await traceIncoming(
        { system: 'nats', kind: 'process', subject: delivery.subject, headers: delivery.headers, attributes },
        () => this.handler(delivery),
      );
    } catch (error) {
      this.bus.report(new HandlerFailedError(delivery.subject, this.spec.durable, delivery.deliveryCount, { cause: error }));
      if (settle()) m.nak(failedHandlerDelayMs(delivery.deliveryCount));
    }
  }
}

/** One `reply` call: a core subscription in the shared queue group; each request handled as it comes. */
class NatsResponder implements Subscription {
  private readonly sub: NatsSubscription;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly bus: NatsBus,
    subject: string,
    private readonly responder: Responder,
  ) {
    this.sub = bus.nc.subscribe(bus.names.subject(subject), {
      queue: responderQueue,
      callback: (error, msg) => {
        if (error) {
          bus.report(error);
          return;
        }
        const work: Promise<void> = this.answer(msg).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      },
    });
  }

  private async answer(msg: Msg): Promise<void> {
    const request: BusMessage = {
      subject: this.bus.names.logicalSubject(msg.subject),
      data: plainBytes(msg.data),
      headers: fromNatsHeaders(msg.headers),
      msgId: undefined,
    };
    try {
      const reply = await traceIncoming(
        { system: 'nats', kind: 'reply', subject: request.subject, headers: request.headers },
        () => this.responder(request),
      );
      msg.respond(reply);
    } catch (error) {
      const h = natsHeaders();
      h.set(serviceErrorHeader, errorMessage(error) || 'responder failed');
      h.set(serviceErrorCodeHeader, '500');
      try {
        msg.respond(Empty, { headers: h });
      } catch (respondError) {
        this.bus.report(respondError);
      }
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      try {
        await this.sub.drain();
      } catch (error) {
        if (!isConnectionGone(error)) this.bus.report(error);
      }
      await Promise.all(this.inFlight);
      this.bus.forget(this);
    })();
    return this.stopped;
  }
}

function toEntry(e: { key: string; value: Uint8Array; revision: number; operation: string }): KvEntry {
  const put = e.operation === 'PUT';
  return {
    key: e.key,
    value: put ? plainBytes(e.value) : new Uint8Array(),
    revision: e.revision,
    operation: put ? 'put' : 'delete',
  };
}

class NatsKvStore implements KvStore {
  constructor(
    private readonly bus: NatsBus,
    readonly bucket: string,
    private readonly physical: string,
    private readonly kv: KV,
  ) {}

  async put(key: string, value: Uint8Array, options?: { readonly msgId?: string }): Promise<number> {
    this.bus.assertOpen();
    assertValidKey(key);
    try {
      if (options?.msgId === undefined) return await this.kv.put(key, value);
      // Through JetStream so the stream's duplicate window drops a repeated write.
      const ack = await this.bus.js.publish(`$KV.${this.physical}.${key}`, value, { msgID: options.msgId });
      return ack.seq;
    } catch (error) {
      throw unavailableOr(error, `put ${this.bucket}/${key}`);
    }
  }

  async putIf(key: string, value: Uint8Array, options: KvPutIfOptions): Promise<KvPutIfOutcome> {
    this.bus.assertOpen();
    assertValidKey(key);
    const subject = `$KV.${this.physical}.${key}`;
    try {
      for (let attempt = 1; ; attempt++) {
        const current = await this.kv.get(key);
        const live = current && current.operation === 'PUT' ? toEntry(current) : null;
        if (live && !options.replaces(live)) return { written: false, revision: live.revision };
        // Stored only if the key is still at the revision just read (0: never written).
        const expect = { lastSubjectSequence: current?.revision ?? 0 };
        try {
          const ack = await this.bus.js.publish(subject, value, { expect, ...(options.msgId === undefined ? {} : { msgID: options.msgId }) });
          return { written: !ack.duplicate, revision: ack.seq };
        } catch (error) {
          if (!isWrongLastSequence(error) || attempt >= maxPutIfAttempts) throw error;
        }
      }
    } catch (error) {
      throw unavailableOr(error, `put ${this.bucket}/${key}`);
    }
  }

  async get(key: string): Promise<KvEntry | null> {
    this.bus.assertOpen();
    assertValidKey(key);
    try {
      const entry = await this.kv.get(key);
      return entry && entry.operation === 'PUT' ? toEntry(entry) : null;
    } catch (error) {
      throw unavailableOr(error, `get ${this.bucket}/${key}`);
    }
  }

  async delete(key: string): Promise<void> {
    this.bus.assertOpen();
    assertValidKey(key);
    try {
      await this.kv.delete(key);
    } catch (error) {
      throw unavailableOr(error, `delete ${this.bucket}/${key}`);
    }
  }

  async watch(options: KvWatchOptions): Promise<Subscription> {
    this.bus.assertOpen();
    const watcher = new NatsWatcher(this.bus, this.physical, this.kv, options);
    await watcher.start();
    return this.bus.track(watcher);
  }

  async status(): Promise<KvStatus> {
    this.bus.assertOpen();
    try {
      const info = await this.bus.jsm.streams.info(`KV_${this.physical}`);
      return { entries: info.state.messages, revision: info.state.last_seq, epoch: info.created };
    } catch (error) {
      throw new BusError(`cannot read the status of bucket ${this.bucket}`, { cause: unavailableOr(error, 'kv status') });
    }
  }
}

function toObjectInfo(info: NatsObjectInfo): ObjectInfo {
  return { name: info.name, size: info.size, modifiedAt: new Date(info.mtime) };
}

/** A ReadableStream over bytes or an async iterable of chunks (what the object store client takes). */
function readableOf(data: Uint8Array | AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  if (data instanceof Uint8Array) {
    return new ReadableStream({
      start(controller) {
        if (data.byteLength > 0) controller.enqueue(data);
        controller.close();
      },
    });
  }
  const iterator = data[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else if (next.value.byteLength > 0) controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * Objects on a NATS object store (stream `OBJ_<bucket>`): chunks under a fresh id, then the
 * metadata rolled up, then the old chunks purged — so a reader sees the old value or the new one.
 * The client checks the SHA-256 digest of what it read.
 */
class NatsObjectStore implements ObjectStore {
  constructor(
    private readonly bus: NatsBus,
    readonly bucket: string,
    private readonly os: NatsObjStore,
  ) {}

  async put(name: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.bus.assertOpen();
    assertValidKey(name);
    try {
      return toObjectInfo(await this.os.put({ name, options: { max_chunk_size: objectChunkBytes } }, readableOf(data)));
    } catch (error) {
      throw new BusError(`cannot store object ${name} in ${this.bucket}`, { cause: unavailableOr(error, 'object put') });
    }
  }

  async get(name: string): Promise<ObjectReader | null> {
    this.bus.assertOpen();
    assertValidKey(name);
    let result: Awaited<ReturnType<NatsObjStore['get']>>;
    try {
      result = await this.os.get(name);
    } catch (error) {
      throw new BusError(`cannot read object ${name} in ${this.bucket}`, { cause: unavailableOr(error, 'object get') });
    }
    if (!result) return null;
    const { bucket } = this;
    const found = result;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      const reader = found.data.getReader();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        for (;;) {
          const idle = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no data for ${objectIdleTimeoutMs} ms`)), objectIdleTimeoutMs);
          });
          const next = await Promise.race([reader.read(), idle]);
          clearTimeout(timer);
          if (next.done) break;
          yield plainBytes(next.value);
        }
        const failure = await found.error;
        if (failure) throw failure;
      } catch (error) {
        throw error instanceof ObjectReadError ? error : new ObjectReadError(bucket, name, { cause: error });
      } finally {
        clearTimeout(timer);
        void reader.cancel().catch(() => undefined);
      }
    }
    return { info: toObjectInfo(found.info), chunks: chunks() };
  }

  async info(name: string): Promise<ObjectInfo | null> {
    this.bus.assertOpen();
    assertValidKey(name);
    try {
      const info = await this.os.info(name);
      return info && !info.deleted ? toObjectInfo(info) : null;
    } catch (error) {
      throw new BusError(`cannot read object info ${name} in ${this.bucket}`, { cause: unavailableOr(error, 'object info') });
    }
  }

  async delete(name: string): Promise<void> {
    this.bus.assertOpen();
    assertValidKey(name);
    try {
      if (await this.os.info(name)) await this.os.delete(name);
    } catch (error) {
      throw new BusError(`cannot delete object ${name} in ${this.bucket}`, { cause: unavailableOr(error, 'object delete') });
    }
  }
}

/**
 * One `watch` call on a KV bucket. "Caught up" is decided against the bucket stream's last sequence
 * read just before the watch starts: initial values arrive in revision order, so once an entry at or
 * beyond it has been delivered, every value present at the start has been. If the watch iterator ends
 * unexpectedly it is resumed from the next revision.
 */
class NatsWatcher implements Subscription {
  private iterator: QueuedIterator<KvWatchEntry> | undefined;
  private caughtUpAt = 0;
  private caughtUp = false;
  private lastRevision = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly physical: string,
    private readonly kv: KV,
    private readonly options: KvWatchOptions,
  ) {}

  async start(): Promise<void> {
    const info = await this.bus.jsm.streams.info(`KV_${this.physical}`);
    const from = this.options.fromRevision ?? 0;
    // Nothing stored, or nothing at or after `fromRevision`: caught up as soon as the watch runs.
    this.caughtUpAt = info.state.messages === 0 || from > info.state.last_seq ? 0 : info.state.last_seq;
    this.iterator = await this.kv.watch(from > 0 ? { resumeFromRevision: from } : {});
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.iterator?.stop();
    await this.loop;
    this.bus.forget(this);
  }

  private markCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    try {
      this.options.onCaughtUp?.();
    } catch (error) {
      this.bus.report(error);
    }
  }

  private async run(): Promise<void> {
    // Callbacks start on a later tick, after `watch()` has resolved, as on the memory bus.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.caughtUpAt === 0) this.markCaughtUp();
    let failures = 0;
    while (!this.stopping && !this.bus.nc.isClosed()) {
      try {
        const resumeAt = this.lastRevision > 0 ? this.lastRevision + 1 : (this.options.fromRevision ?? 0);
        this.iterator ??= await this.kv.watch(resumeAt > 0 ? { resumeFromRevision: resumeAt } : {});
        for await (const e of this.iterator) {
          if (this.stopping) break;
          this.lastRevision = e.revision;
          failures = 0;
          try {
            this.options.onEntry(toEntry(e));
          } catch (error) {
            this.bus.report(error);
          }
          if (e.revision >= this.caughtUpAt) this.markCaughtUp();
        }
      } catch (error) {
        if (!this.stopping) this.bus.report(error);
      }
      this.iterator = undefined;
      if (this.stopping || this.bus.nc.isClosed()) break;
      await pause(Math.min(250 * 2 ** failures, 10_000), (wake) => (this.wake = wake));
      failures += 1;
    }
  }
}
