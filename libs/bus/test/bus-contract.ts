import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Bus,
  type BusStatus,
  type Delivery,
  type KvEntry,
  BusUnavailableError,
  HandlerFailedError,
  InvalidKeyError,
  NoResponderError,
  NoStreamError,
  RequestFailedError,
  RequestTimeoutError,
  StreamNotFoundError,
  decodeJson,
  encodeJson,
} from '../src/index.ts';

/** What the suite passes to `makeBus`: where the adapter should report background failures. */
export interface BusHooks {
  readonly onError: (error: unknown) => void;
}

/** Creates an isolated bus (its own prefix, or its own memory) for each call. */
export type MakeBus = (hooks: BusHooks) => Promise<Bus>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (data: Uint8Array): string => decoder.decode(data);

/** Generous: NATS redeliveries after a nak take up to ~1 s here, a CI machine may be slower. */
const within = { timeout: 15_000, interval: 10 };

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

let tracing: InMemorySpanExporter | undefined;

/** Register an SDK once per process: tracer provider, W3C propagator and an async context manager. */
function installTracing(): InMemorySpanExporter {
  if (tracing) return tracing;
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  tracing = exporter;
  return exporter;
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}

/**
 * The behaviour every `Bus` adapter must show, as one vitest suite. Each adapter's spec file calls it
 * with a factory; `makeBus` must return an isolated bus on every call (a unique prefix on NATS).
 */
export function describeBusContract(name: string, makeBus: MakeBus): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    const reported: unknown[] = [];

    async function newBus(): Promise<Bus> {
      const bus = await makeBus({ onError: (error) => reported.push(error) });
      open.push(bus);
      return bus;
    }

    async function busWithStream(): Promise<Bus> {
      const bus = await newBus();
      await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
      return bus;
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((bus) => bus.close()));
      reported.length = 0;
    });

    describe('streams and consumers', () => {
      it('when messages are published, then a consumer gets them in order with logical subjects', async () => {
        const bus = await busWithStream();
        const acks = [];
        for (let i = 0; i < 5; i++) acks.push(await bus.publish('orders.created.v1', bytes(`m${i}`), { msgId: `id-${i}` }));
        expect(acks.map((a) => a.stream)).toEqual(Array(5).fill('ORDERS'));
        expect(acks.every((a) => !a.duplicate)).toBe(true);
        expect(acks.map((a) => a.seq)).toEqual([...acks.map((a) => a.seq)].sort((a, b) => a - b));

        const seen: Delivery[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'reader' }, async (d) => {
          seen.push(d);
          await d.ack();
        });
        for (let i = 5; i < 10; i++) await bus.publish('orders.created.v1', bytes(`m${i}`), { msgId: `id-${i}` });

        await vi.waitFor(() => expect(seen).toHaveLength(10), within);
        expect(seen.map((d) => text(d.data))).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
        expect(seen.map((d) => d.msgId)).toEqual(Array.from({ length: 10 }, (_, i) => `id-${i}`));
        expect(new Set(seen.map((d) => d.subject))).toEqual(new Set(['orders.created.v1']));
        expect(seen.every((d) => d.deliveryCount === 1)).toBe(true);
        expect(seen.slice(0, 5).map((d) => d.streamSeq)).toEqual(acks.map((a) => a.seq));
        const seqs = seen.map((d) => d.streamSeq);
        expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      });

      it('when the same msgId is published twice, then the second is a duplicate and it is delivered once', async () => {
        const bus = await busWithStream();
        const first = await bus.publish('orders.paid.v1', bytes('first'), { msgId: 'outbox-1' });
        const second = await bus.publish('orders.paid.v1', bytes('second'), { msgId: 'outbox-1' });
        expect(second).toEqual({ stream: 'ORDERS', seq: first.seq, duplicate: true });
        await bus.publish('orders.paid.v1', bytes('after'), { msgId: 'outbox-2' });

        const seen: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'dedupe' }, async (d) => {
          seen.push(text(d.data));
          await d.ack();
        });
        await vi.waitFor(() => expect(seen).toContain('after'), within);
        expect(seen).toEqual(['first', 'after']);
      });

      it('when a delivery is nak’ed, then it comes back with deliveryCount 2', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.a', bytes('retry me'), { msgId: 'n1' });
        const counts: number[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'nakker' }, async (d) => {
          counts.push(d.deliveryCount);
          if (d.deliveryCount === 1) d.nak(0);
          else await d.ack();
        });
        await vi.waitFor(() => expect(counts).toEqual([1, 2]), within);
      });

      it('when a delivery is termed, then it is not delivered again', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.poison', bytes('poison'), { msgId: 'p1' });
        await bus.publish('orders.marker', bytes('marker'), { msgId: 'p2' });
        const seen: string[] = [];
        // A message left unsettled would come back after 300 ms; the marker comes back after 1 s,
        // so by the marker's second delivery a wrongly kept poison message would have shown up.
        await bus.consume({ stream: 'ORDERS', durable: 'termer', ackWaitMs: 300 }, async (d) => {
          seen.push(`${text(d.data)}#${d.deliveryCount}`);
          if (text(d.data) === 'poison') d.term('cannot be parsed');
          else if (d.deliveryCount === 1) d.nak(1_000);
          else await d.ack();
        });
        await vi.waitFor(() => expect(seen).toContain('marker#2'), within);
        expect(seen.filter((s) => s.startsWith('poison'))).toEqual(['poison#1']);
      });

      it('when a handler throws, then the delivery is retried and the failure reported', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.flaky', bytes('flaky'), { msgId: 'f1' });
        const counts: number[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'thrower' }, async (d) => {
          counts.push(d.deliveryCount);
          if (d.deliveryCount === 1) throw new Error('database down');
          await d.ack();
        });
        await vi.waitFor(() => expect(counts).toEqual([1, 2]), within);
        const failure = reported.find((e) => e instanceof HandlerFailedError) as HandlerFailedError | undefined;
        expect(failure?.subject).toBe('orders.flaky');
        expect((failure?.cause as Error).message).toBe('database down');
      });

      it('when a message reaches maxDeliver, then it is dropped', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.doomed', bytes('doomed'), { msgId: 'd1' });
        await bus.publish('orders.marker', bytes('marker'), { msgId: 'd2' });
        const seen: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'limited', maxDeliver: 2 }, async (d) => {
          seen.push(`${text(d.data)}#${d.deliveryCount}`);
          if (text(d.data) === 'doomed') d.nak(0);
          else if (d.deliveryCount === 1) d.nak(1_000);
          else await d.ack();
        });
        await vi.waitFor(() => expect(seen).toContain('marker#2'), within);
        expect(seen.filter((s) => s.startsWith('doomed'))).toEqual(['doomed#1', 'doomed#2']);
      });

      it('when a durable consumer is stopped and started again, then it resumes after what it acked', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.x', bytes('one'), { msgId: 'r1' });
        await bus.publish('orders.x', bytes('two'), { msgId: 'r2' });
        const first: string[] = [];
        const sub = await bus.consume({ stream: 'ORDERS', durable: 'resumer' }, async (d) => {
          first.push(text(d.data));
          await d.ack();
        });
        await vi.waitFor(() => expect(first).toEqual(['one', 'two']), within);
        await sub.stop();

        await bus.publish('orders.x', bytes('three'), { msgId: 'r3' });
        const second: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'resumer' }, async (d) => {
          second.push(text(d.data));
          await d.ack();
        });
        await vi.waitFor(() => expect(second).toContain('three'), within);
        expect(second).toEqual(['three']);
      });

      it('when stop is called during a handler, then it resolves only after the handler has finished', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.slow', bytes('slow'), { msgId: 's1' });
        const events: string[] = [];
        const release = gate();
        let started = false;
        const sub = await bus.consume({ stream: 'ORDERS', durable: 'slowpoke' }, async (d) => {
          started = true;
          await release.opened;
          await d.ack();
          events.push('handler done');
        });
        await vi.waitFor(() => expect(started).toBe(true), within);
        const stopped = sub.stop().then(() => events.push('stopped'));
        await new Promise((resolve) => setImmediate(resolve));
        release.open();
        await stopped;
        expect(events).toEqual(['handler done', 'stopped']);
      });

      it('when a consumer has a filter subject, then it only gets matching messages', async () => {
        const bus = await busWithStream();
        await bus.publish('orders.eu.created', bytes('eu-1'), { msgId: 'x1' });
        await bus.publish('orders.us.created', bytes('us-1'), { msgId: 'x2' });
        await bus.publish('orders.eu.deep.created', bytes('eu-deep'), { msgId: 'x3' });
        await bus.publish('orders.eu.created', bytes('eu-2'), { msgId: 'x4' });
        const seen: string[] = [];
        const subjects: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'eu', filterSubject: 'orders.eu.*' }, async (d) => {
          seen.push(text(d.data));
          subjects.push(d.subject);
          await d.ack();
        });
        await vi.waitFor(() => expect(seen).toContain('eu-2'), within);
        expect(seen).toEqual(['eu-1', 'eu-2']);
        expect(subjects).toEqual(['orders.eu.created', 'orders.eu.created']);

        const deep: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'eu-all', filterSubject: 'orders.eu.>' }, async (d) => {
          deep.push(text(d.data));
          await d.ack();
        });
        await vi.waitFor(() => expect(deep).toContain('eu-2'), within);
        expect(deep).toEqual(['eu-1', 'eu-deep', 'eu-2']);
      });

      it('when two consumers share a durable, then they share the work and each message is handled once', async () => {
        const bus = await busWithStream();
        const handled: string[] = [];
        let byA = 0;
        let byB = 0;
        // A holds its first message until B has handled one, so both must be taking work.
        await bus.consume({ stream: 'ORDERS', durable: 'workers' }, async (d) => {
          await vi.waitFor(() => expect(byB).toBeGreaterThan(0), within);
          handled.push(text(d.data));
          byA += 1;
          await d.ack();
        });
        await bus.consume({ stream: 'ORDERS', durable: 'workers' }, async (d) => {
          handled.push(text(d.data));
          byB += 1;
          await d.ack();
        });
        const sent = Array.from({ length: 30 }, (_, i) => `job-${i}`);
        for (const job of sent) await bus.publish('orders.job', bytes(job), { msgId: job });
        await vi.waitFor(() => expect(handled).toHaveLength(30), within);
        expect([...handled].sort()).toEqual([...sent].sort());
        expect(byA).toBeGreaterThan(0);
        expect(byB).toBeGreaterThan(0);
      });

      it('when concurrency is 3, then three handlers run at once', async () => {
        const bus = await busWithStream();
        let active = 0;
        let peak = 0;
        let done = 0;
        await bus.consume({ stream: 'ORDERS', durable: 'parallel', concurrency: 3 }, async (d) => {
          active += 1;
          peak = Math.max(peak, active);
          await vi.waitFor(() => expect(peak).toBe(3), within);
          active -= 1;
          done += 1;
          await d.ack();
        });
        for (let i = 0; i < 3; i++) await bus.publish('orders.p', bytes(`p${i}`), { msgId: `p${i}` });
        await vi.waitFor(() => expect(done).toBe(3), within);
        expect(peak).toBe(3);
      });

      it('when ensureStream runs again with more subjects, then the stream captures them too', async () => {
        const bus = await busWithStream();
        await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
        await expect(bus.publish('refunds.created', bytes('r'), { msgId: 'e0' })).rejects.toBeInstanceOf(NoStreamError);
        await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>', 'refunds.>'], duplicateWindowMs: 60_000 });
        const ack = await bus.publish('refunds.created', bytes('r'), { msgId: 'e1' });
        expect(ack).toMatchObject({ stream: 'ORDERS', duplicate: false });
      });

      it('when nothing captures a subject or a stream is missing, then the errors say so', async () => {
        const bus = await busWithStream();
        await expect(bus.publish('nowhere.x', bytes('x'), { msgId: 'w1' })).rejects.toBeInstanceOf(NoStreamError);
        await expect(bus.consume({ stream: 'MISSING', durable: 'd' }, async () => {})).rejects.toBeInstanceOf(
          StreamNotFoundError,
        );
      });

      it('when callers change byte arrays they gave or got, then stored messages do not change', async () => {
        const bus = await busWithStream();
        const payload = bytes('original');
        await bus.publish('orders.bytes', payload, { msgId: 'b1' });
        payload.fill(0);
        const seen: string[] = [];
        await bus.consume({ stream: 'ORDERS', durable: 'mutator' }, async (d) => {
          seen.push(text(d.data));
          if (d.deliveryCount === 1) {
            d.data.fill(0);
            d.nak(0);
          } else await d.ack();
        });
        await vi.waitFor(() => expect(seen).toHaveLength(2), within);
        expect(seen).toEqual(['original', 'original']);
      });
    });

    describe('request and reply', () => {
      it('when a responder answers, then the requester gets its bytes and the responder saw headers', async () => {
        const bus = await newBus();
        await bus.reply('rpc.items.*', async (req) =>
          encodeJson({ subject: req.subject, body: text(req.data), requestId: req.headers['x-request-id'] }),
        );
        const res = await bus.request('rpc.items.42', bytes('hello'), {
          headers: { 'x-request-id': 'req-7' },
          timeoutMs: 5_000,
        });
        expect(decodeJson(res.data)).toEqual({ subject: 'rpc.items.42', body: 'hello', requestId: 'req-7' });
      });

      it('when nobody answers on the subject, then NoResponderError', async () => {
        const bus = await newBus();
        const request = bus.request('rpc.nobody', bytes('?'), { timeoutMs: 5_000 });
        await expect(request).rejects.toBeInstanceOf(NoResponderError);
        await expect(request).rejects.toMatchObject({ subject: 'rpc.nobody' });
      });

      it('when the responder throws, then RequestFailedError carries its message', async () => {
        const bus = await newBus();
        await bus.reply('rpc.broken', async () => {
          throw new Error('catalog exploded');
        });
        const request = bus.request('rpc.broken', bytes('?'), { timeoutMs: 5_000 });
        await expect(request).rejects.toBeInstanceOf(RequestFailedError);
        await expect(request).rejects.toMatchObject({ reason: 'catalog exploded' });
      });

      it('when the responder is too slow, then RequestTimeoutError', async () => {
        const bus = await newBus();
        const release = gate();
        await bus.reply('rpc.slow', async () => {
          await release.opened;
          return bytes('late');
        });
        const request = bus.request('rpc.slow', bytes('?'), { timeoutMs: 200 });
        await expect(request).rejects.toBeInstanceOf(RequestTimeoutError);
        await expect(request).rejects.toMatchObject({ subject: 'rpc.slow', timeoutMs: 200 });
        release.open();
      });

      it('when several responders listen on one subject, then each request is answered once', async () => {
        const bus = await newBus();
        let calls = 0;
        for (const who of ['a', 'b']) {
          await bus.reply('rpc.shared', async () => {
            calls += 1;
            return bytes(who);
          });
        }
        const answers = await Promise.all(
          Array.from({ length: 6 }, () => bus.request('rpc.shared', bytes('?'), { timeoutMs: 5_000 })),
        );
        expect(answers.map((a) => text(a.data)).every((a) => a === 'a' || a === 'b')).toBe(true);
        expect(calls).toBe(6);
      });
    });

    describe('key-value', () => {
      it('when values are put, read and deleted, then revisions increase and deleted keys read as null', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'entitlements' });
        expect(kv.bucket).toBe('entitlements');
        const r1 = await kv.put('isp-1.sub-9', bytes('active'));
        const r2 = await kv.put('isp-1.sub-9', bytes('suspended'));
        expect(r2).toBeGreaterThan(r1);
        expect(await kv.get('isp-1.sub-9')).toEqual({
          key: 'isp-1.sub-9',
          value: bytes('suspended'),
          revision: r2,
          operation: 'put',
        });
        expect(await kv.get('missing')).toBeNull();
        await kv.delete('isp-1.sub-9');
        expect(await kv.get('isp-1.sub-9')).toBeNull();
        const r3 = await kv.put('isp-1.sub-9', bytes('active'));
        expect(r3).toBeGreaterThan(r2);
        await expect(kv.put('bad key', bytes('x'))).rejects.toBeInstanceOf(InvalidKeyError);
      });

      it('when kv is opened twice, then both handles see the same bucket', async () => {
        const bus = await newBus();
        const first = await bus.kv({ bucket: 'shared' });
        await first.put('k', bytes('v'));
        const second = await bus.kv({ bucket: 'shared' });
        expect(text((await second.get('k'))!.value)).toBe('v');
      });

      it('when a put repeats its msgId, then it is ignored and returns the first revision', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'dedupe' });
        const first = await kv.put('k', bytes('v1'), { msgId: 'write-1' });
        const again = await kv.put('k', bytes('v2'), { msgId: 'write-1' });
        expect(again).toBe(first);
        expect(text((await kv.get('k'))!.value)).toBe('v1');
        const next = await kv.put('k', bytes('v3'), { msgId: 'write-2' });
        expect(next).toBeGreaterThan(first);
      });

      it('when putIf is told to keep the stored value, then it is kept; missing or deleted keys are always written', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'states' });
        const newer = (version: number) => ({ replaces: (current: KvEntry) => Number(text(current.value)) < version });
        const first = await kv.putIf('k', bytes('2'), newer(2));
        expect(first.written).toBe(true);
        expect(await kv.putIf('k', bytes('1'), newer(1))).toEqual({ written: false, revision: first.revision });
        expect(await kv.putIf('k', bytes('2'), newer(2))).toEqual({ written: false, revision: first.revision });
        const third = await kv.putIf('k', bytes('3'), newer(3));
        expect(third.written).toBe(true);
        expect(third.revision).toBeGreaterThan(first.revision);
        expect(text((await kv.get('k'))!.value)).toBe('3');
        await kv.delete('k');
        expect((await kv.putIf('k', bytes('1'), newer(1))).written).toBe(true);
        expect(text((await kv.get('k'))!.value)).toBe('1');
      });

      it('when putIf repeats its msgId, then the repeat is not written', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'states-dedupe' });
        const always = { replaces: () => true };
        const first = await kv.putIf('k', bytes('a'), { ...always, msgId: 'w-1' });
        expect(first.written).toBe(true);
        expect((await kv.putIf('k', bytes('b'), { ...always, msgId: 'w-1' })).written).toBe(false);
        expect(text((await kv.get('k'))!.value)).toBe('a');
      });

      it('when many writers putIf versions of the same keys at once, in any order, then each key ends at its highest version', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'states-race' });
        const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
        // Versions 1..8 of every key, written concurrently with the highest ones first.
        const writes = keys.flatMap((key) => Array.from({ length: 8 }, (_, i) => ({ key, version: 8 - i })));
        await Promise.all(
          writes.map(({ key, version }) => kv.putIf(key, bytes(String(version)), { replaces: (current) => Number(text(current.value)) < version })),
        );
        for (const key of keys) expect(text((await kv.get(key))!.value)).toBe('8');
      });

      it('when watching, then current values come first, then onCaughtUp, then changes including deletes', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'view' });
        await kv.put('a', bytes('1'));
        await kv.put('b', bytes('1'));
        await kv.put('a', bytes('2'));
        await kv.put('gone', bytes('x'));
        await kv.delete('gone');
        const events: string[] = [];
        const entries: KvEntry[] = [];
        const watch = await kv.watch({
          onEntry: (e) => {
            entries.push(e);
            events.push(`${e.operation}:${e.key}=${text(e.value)}`);
          },
          onCaughtUp: () => events.push('caught-up'),
        });
        await vi.waitFor(() => expect(events).toContain('caught-up'), within);
        await kv.put('c', bytes('1'));
        await kv.delete('b');
        await vi.waitFor(() => expect(events).toContain('delete:b='), within);
        expect(events).toEqual(['put:b=1', 'put:a=2', 'delete:gone=', 'caught-up', 'put:c=1', 'delete:b=']);
        const revisions = entries.map((e) => e.revision);
        expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
        await watch.stop();
        await kv.put('after-stop', bytes('1'));
        const later: string[] = [];
        await kv.watch({ onEntry: (e) => later.push(e.key) });
        await vi.waitFor(() => expect(later).toContain('after-stop'), within);
        expect(events).not.toContain('put:after-stop=1');
      });

      it('when watching an empty bucket, then onCaughtUp comes at once and later puts follow', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'empty', history: 1 });
        const events: string[] = [];
        await kv.watch({
          onEntry: (e) => events.push(`${e.operation}:${e.key}`),
          onCaughtUp: () => events.push('caught-up'),
        });
        await vi.waitFor(() => expect(events).toEqual(['caught-up']), within);
        await kv.put('first', bytes('1'));
        await vi.waitFor(() => expect(events).toEqual(['caught-up', 'put:first']), within);
      });

      it('when watching from a revision, then only entries from it on come, then onCaughtUp, then changes', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'resume' });
        await kv.put('a', bytes('1'));
        await kv.put('b', bytes('1'));
        const copiedAt = await kv.put('c', bytes('1'));
        await kv.put('a', bytes('2'));
        await kv.put('d', bytes('1'));
        await kv.put('a', bytes('3'));
        await kv.delete('b');
        const events: string[] = [];
        await kv.watch({
          fromRevision: copiedAt + 1,
          onEntry: (e) => events.push(`${e.operation}:${e.key}=${text(e.value)}`),
          onCaughtUp: () => events.push('caught-up'),
        });
        await vi.waitFor(() => expect(events).toContain('caught-up'), within);
        await kv.put('e', bytes('1'));
        await vi.waitFor(() => expect(events).toContain('put:e=1'), within);
        // `a` was written twice after the copy: with one value per key, only its last write is left.
        expect(events).toEqual(['put:d=1', 'put:a=3', 'delete:b=', 'caught-up', 'put:e=1']);
      });

      it('when watching from a revision beyond the latest, then onCaughtUp comes at once and later puts follow', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'uptodate' });
        const latest = await kv.put('a', bytes('1'));
        const events: string[] = [];
        await kv.watch({ fromRevision: latest + 1, onEntry: (e) => events.push(`put:${e.key}`), onCaughtUp: () => events.push('caught-up') });
        await vi.waitFor(() => expect(events).toEqual(['caught-up']), within);
        await kv.put('b', bytes('1'));
        await vi.waitFor(() => expect(events).toEqual(['caught-up', 'put:b']), within);
      });

      it('when asked for its status, then a bucket tells its entries, latest revision and a stable epoch', async () => {
        const bus = await newBus();
        const kv = await bus.kv({ bucket: 'counted' });
        const empty = await kv.status();
        expect(empty).toMatchObject({ entries: 0, revision: 0 });
        await kv.put('a', bytes('1'));
        await kv.put('a', bytes('2'));
        await kv.put('b', bytes('1'));
        const last = await kv.put('c', bytes('1'));
        await kv.delete('c');
        const status = await kv.status();
        expect(status.entries).toBe(3);
        expect(status.revision).toBeGreaterThan(last);
        expect(status.epoch).toEqual(expect.any(String));
        expect(status.epoch.length).toBeGreaterThan(0);
        expect((await kv.status()).epoch).toBe(status.epoch);
        expect((await (await bus.kv({ bucket: 'counted' })).status()).epoch).toBe(status.epoch);
      });
    });

    describe('objects', () => {
      /** Deterministic bytes, large enough to span several chunks on every adapter. */
      function pattern(size: number, seed: number): Uint8Array {
        const data = new Uint8Array(size);
        let x = seed >>> 0 || 1;
        for (let i = 0; i < size; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          data[i] = x & 0xff;
        }
        return data;
      }

      async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
        const parts: Uint8Array[] = [];
        for await (const chunk of chunks) parts.push(chunk);
        const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        let at = 0;
        for (const part of parts) {
          out.set(part, at);
          at += part.byteLength;
        }
        return out;
      }

      it('when an object is put from bytes or from chunks, then it reads back whole with its size', async () => {
        const bus = await newBus();
        const store = await bus.objects({ bucket: 'snapshots' });
        expect(store.bucket).toBe('snapshots');
        const big = pattern(1_300_000, 7);
        const info = await store.put('view.v1', big);
        expect(info).toMatchObject({ name: 'view.v1', size: big.byteLength });
        expect(info.modifiedAt).toBeInstanceOf(Date);
        const read = await store.get('view.v1');
        expect(read?.info.size).toBe(big.byteLength);
        expect(Buffer.from(await readAll(read!.chunks)).equals(Buffer.from(big))).toBe(true);

        async function* pieces(): AsyncGenerator<Uint8Array> {
          for (let at = 0; at < big.byteLength; at += 100_000) yield big.subarray(at, at + 100_000);
        }
        await store.put('streamed', pieces());
        expect(Buffer.from(await readAll((await store.get('streamed'))!.chunks)).equals(Buffer.from(big))).toBe(true);
        expect((await store.info('streamed'))?.size).toBe(big.byteLength);
      });

      it('when an object is replaced or deleted, then readers see the new value or nothing', async () => {
        const bus = await newBus();
        const store = await bus.objects({ bucket: 'replaced' });
        await store.put('view', pattern(10_000, 1));
        const second = pattern(20_000, 2);
        await store.put('view', second);
        expect(Buffer.from(await readAll((await store.get('view'))!.chunks)).equals(Buffer.from(second))).toBe(true);
        await store.delete('view');
        expect(await store.get('view')).toBeNull();
        expect(await store.info('view')).toBeNull();
        expect(await store.get('never-written')).toBeNull();
        await store.delete('never-written');
        const empty = await store.put('empty', new Uint8Array());
        expect(empty.size).toBe(0);
        expect((await readAll((await store.get('empty'))!.chunks)).byteLength).toBe(0);
        await expect(store.put('bad name', new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidKeyError);
      });

      it('when callers change byte arrays they gave or got, then stored objects do not change', async () => {
        const bus = await newBus();
        const store = await bus.objects({ bucket: 'copies' });
        const given = new Uint8Array([1, 2, 3]);
        await store.put('o', given);
        given[0] = 9;
        const first = await readAll((await store.get('o'))!.chunks);
        first[1] = 9;
        expect([...(await readAll((await store.get('o'))!.chunks))]).toEqual([1, 2, 3]);
      });
    });

    describe('isolation and lifecycle', () => {
      it('when two buses are isolated, then they never see each other’s messages, requests or keys', async () => {
        const one = await busWithStream();
        const two = await busWithStream();
        const seenOne: string[] = [];
        const seenTwo: string[] = [];
        await one.consume({ stream: 'ORDERS', durable: 'same-name' }, async (d) => {
          seenOne.push(text(d.data));
          await d.ack();
        });
        await two.consume({ stream: 'ORDERS', durable: 'same-name' }, async (d) => {
          seenTwo.push(text(d.data));
          await d.ack();
        });
        await one.publish('orders.x', bytes('one-1'), { msgId: 'same-id' });
        await two.publish('orders.x', bytes('two-1'), { msgId: 'same-id' });
        await one.publish('orders.x', bytes('one-2'), { msgId: 'other-id' });
        await two.publish('orders.x', bytes('two-2'), { msgId: 'other-id' });
        await vi.waitFor(() => expect(seenOne).toContain('one-2'), within);
        await vi.waitFor(() => expect(seenTwo).toContain('two-2'), within);
        expect(seenOne).toEqual(['one-1', 'one-2']);
        expect(seenTwo).toEqual(['two-1', 'two-2']);

        await two.reply('rpc.only-two', async () => bytes('two'));
        await expect(one.request('rpc.only-two', bytes('?'), { timeoutMs: 5_000 })).rejects.toBeInstanceOf(
          NoResponderError,
        );

        const kvOne = await one.kv({ bucket: 'iso' });
        const kvTwo = await two.kv({ bucket: 'iso' });
        await kvOne.put('k', bytes('one'));
        await kvTwo.put('k', bytes('two'));
        expect(text((await kvOne.get('k'))!.value)).toBe('one');
        expect(text((await kvTwo.get('k'))!.value)).toBe('two');
      });

      it('when two buses are isolated, then they never see each other’s objects', async () => {
        const one = await newBus();
        const two = await newBus();
        await (await one.objects({ bucket: 'shared-name' })).put('o', bytes('one'));
        expect(await (await two.objects({ bucket: 'shared-name' })).get('o')).toBeNull();
      });

      it('when the bus is closed, then status says so, listeners hear it and operations are refused', async () => {
        const bus = await busWithStream();
        expect(bus.status()).toBe('connected');
        const heard: BusStatus[] = [];
        bus.onStatus((s) => heard.push(s));
        const dropped: BusStatus[] = [];
        const unsubscribe = bus.onStatus((s) => dropped.push(s));
        unsubscribe();
        await bus.close();
        await bus.close();
        expect(bus.status()).toBe('closed');
        expect(heard).toEqual(['closed']);
        expect(dropped).toEqual([]);
        await expect(bus.publish('orders.x', bytes('x'), { msgId: 'c1' })).rejects.toBeInstanceOf(BusUnavailableError);
        await expect(bus.kv({ bucket: 'late' })).rejects.toBeInstanceOf(BusUnavailableError);
        await expect(bus.objects({ bucket: 'late' })).rejects.toBeInstanceOf(BusUnavailableError);
      });
    });

    describe('trace context', () => {
      let exporter: InMemorySpanExporter;
      beforeAll(() => {
        exporter = installTracing();
      });

      it('when a message is published inside a span, then the handler runs in a consumer span of that trace', async () => {
        const bus = await busWithStream();
        const tracer = trace.getTracer('bus-contract');
        let delivered: Delivery | undefined;
        let handlerTraceId: string | undefined;
        await bus.consume({ stream: 'ORDERS', durable: 'traced' }, async (d) => {
          delivered = d;
          handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
          await d.ack();
        });
        const traceId = await tracer.startActiveSpan('place order', async (span) => {
          await bus.publish('orders.traced', bytes('t'), { msgId: 't1', headers: { 'x-tenant': 'isp-1' } });
          span.end();
          return span.spanContext().traceId;
        });
        await vi.waitFor(() => expect(delivered).toBeDefined(), within);
        expect(traceIdOf(delivered!.headers['traceparent'])).toBe(traceId);
        expect(delivered!.headers['x-tenant']).toBe('isp-1');
        expect(handlerTraceId).toBe(traceId);
        await vi.waitFor(() => {
          const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
          expect(spans.map((s) => [s.name, s.kind])).toEqual(
            expect.arrayContaining([
              ['orders.traced publish', SpanKind.PRODUCER],
              ['orders.traced process', SpanKind.CONSUMER],
            ]),
          );
        }, within);
      });

      it('when the caller passes a traceparent outside any span, then that trace is continued', async () => {
        const bus = await busWithStream();
        const callerTrace = '0af7651916cd43dd8448eb211c80319c';
        let header: string | undefined;
        await bus.consume({ stream: 'ORDERS', durable: 'relayed' }, async (d) => {
          header = d.headers['traceparent'];
          await d.ack();
        });
        await context.with(ROOT_CONTEXT, () =>
          bus.publish('orders.relayed', bytes('r'), {
            msgId: 'tr1',
            headers: { traceparent: `00-${callerTrace}-b7ad6b7169203331-01` },
          }),
        );
        await vi.waitFor(() => expect(header).toBeDefined(), within);
        expect(traceIdOf(header)).toBe(callerTrace);
      });

      it('when a request is sent inside a span, then the responder runs in a server span of that trace', async () => {
        const bus = await newBus();
        let responderTraceId: string | undefined;
        await bus.reply('rpc.traced', async () => {
          responderTraceId = trace.getActiveSpan()?.spanContext().traceId;
          return bytes('ok');
        });
        const tracer = trace.getTracer('bus-contract');
        const traceId = await tracer.startActiveSpan('ask', async (span) => {
          await bus.request('rpc.traced', bytes('?'), { timeoutMs: 5_000 });
          span.end();
          return span.spanContext().traceId;
        });
        expect(responderTraceId).toBe(traceId);
      });
    });
  });
}
