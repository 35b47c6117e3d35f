import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { findNatsServer, resolveNats, startPrivateNats } from '@sva/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Bus, type BusStatus, connectNatsBus } from '../src/index.ts';
import { describeBusContract } from './bus-contract.ts';

const nats = await resolveNats();
const available = nats.source !== 'none';
let buses = 0;

/** Every bus of this file gets `<run prefix>b<n>.`, so the cleanup finds all it created by the run prefix. */
function nextPrefix(): string {
  buses += 1;
  return `${nats.prefix}b${buses}.`;
}

/** Delete the streams (KV buckets included) this run created on the shared server. */
async function dropRunStreams(): Promise<void> {
  const token = nats.prefix.replace(/\.$/, '').toLowerCase();
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.toLowerCase().includes(token)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

describe.skipIf(!available)(`NATS adapter (${available ? `${nats.source}: ${nats.url}` : nats.reason})`, () => {
  afterAll(async () => {
    await dropRunStreams();
    await nats.stop();
  });

  describeBusContract('nats', ({ onError }) => connectNatsBus({ servers: nats.url, prefix: nextPrefix(), onError }));

  it('when a prefix is set, then streams, subjects and buckets carry it on the server', async () => {
    const prefix = nextPrefix();
    const bus = await connectNatsBus({ servers: nats.url, prefix, onError: () => {} });
    const nc = await connect({ servers: nats.url });
    try {
      await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
      const kv = await bus.kv({ bucket: 'view' });
      await kv.put('k', new Uint8Array([1]));
      const jsm = await jetstreamManager(nc);
      const token = prefix.replace(/\.$/, '').replace(/\./g, '_');
      const stream = await jsm.streams.info(`${token.toUpperCase()}_ORDERS`);
      expect(stream.config.subjects).toEqual([`${prefix}orders.>`]);
      expect(stream.config.duplicate_window).toBe(120_000_000_000);
      expect(stream.config.storage).toBe('file');
      const bucket = await jsm.streams.info(`KV_${token.toLowerCase()}_view`);
      expect(bucket.state.messages).toBe(1);
    } finally {
      await bus.close();
      await nc.close();
    }
  });

  it('when the durable consumer is deleted under a running consume, then it is recreated and delivery goes on', async () => {
    const prefix = nextPrefix();
    const reported: unknown[] = [];
    const bus = await connectNatsBus({ servers: nats.url, prefix, onError: (e) => reported.push(e) });
    const nc = await connect({ servers: nats.url });
    try {
      await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
      const seen: string[] = [];
      await bus.consume({ stream: 'ORDERS', durable: 'phoenix' }, async (d) => {
        seen.push(new TextDecoder().decode(d.data));
        await d.ack();
      });
      await bus.publish('orders.x', new TextEncoder().encode('one'), { msgId: 'one' });
      await vi.waitFor(() => expect(seen).toEqual(['one']), { timeout: 10_000 });

      const jsm = await jetstreamManager(nc);
      const stream = `${prefix.replace(/\.$/, '').replace(/\./g, '_').toUpperCase()}_ORDERS`;
      await jsm.consumers.delete(stream, 'phoenix');
      await bus.publish('orders.x', new TextEncoder().encode('two'), { msgId: 'two' });

      // Recreated with deliver-all, the consumer starts over: 'one' comes again (consumers are idempotent).
      await vi.waitFor(() => expect(seen).toContain('two'), { timeout: 20_000 });
      expect(seen).toEqual(['one', 'one', 'two']);
      expect(await jsm.consumers.info(stream, 'phoenix')).toMatchObject({ name: 'phoenix' });
      expect(reported.some((e) => e instanceof Error && e.message.includes('phoenix'))).toBe(true);
    } finally {
      await bus.close();
      await nc.close();
    }
  });
});

const natsServer = findNatsServer();

describe.skipIf(natsServer === undefined)('NATS adapter across a server restart (private nats-server)', () => {
  it('when the server restarts, then status goes reconnecting → connected and consumers and watches resume', async () => {
    const server = await startPrivateNats(natsServer!);
    let bus: Bus | undefined;
    try {
      bus = await connectNatsBus({ servers: server.url, prefix: 'restart.', onError: () => {} });
      const statuses: BusStatus[] = [];
      bus.onStatus((s) => statuses.push(s));
      await bus.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
      const seen: string[] = [];
      await bus.consume({ stream: 'ORDERS', durable: 'survivor' }, async (d) => {
        seen.push(new TextDecoder().decode(d.data));
        await d.ack();
      });
      const kv = await bus.kv({ bucket: 'view' });
      const watched: string[] = [];
      await kv.watch({ onEntry: (e) => watched.push(e.key) });

      await bus.publish('orders.x', new TextEncoder().encode('before'), { msgId: 'before' });
      await kv.put('before', new Uint8Array([1]));
      await vi.waitFor(() => expect(seen).toEqual(['before']), { timeout: 10_000 });
      await vi.waitFor(() => expect(watched).toEqual(['before']), { timeout: 10_000 });

      await server.stop();
      await vi.waitFor(() => expect(bus!.status()).toBe('reconnecting'), { timeout: 10_000 });
      await server.restart();
      await vi.waitFor(() => expect(bus!.status()).toBe('connected'), { timeout: 20_000 });

      // JetStream may need a moment after the restart before it takes writes again.
      await vi.waitFor(() => bus!.publish('orders.x', new TextEncoder().encode('after'), { msgId: 'after' }), {
        timeout: 20_000,
        interval: 250,
      });
      await vi.waitFor(() => kv.put('after', new Uint8Array([1]), { msgId: 'after' }), { timeout: 20_000, interval: 250 });
      await vi.waitFor(() => expect(seen).toEqual(['before', 'after']), { timeout: 25_000 });
      await vi.waitFor(() => expect(watched).toEqual(['before', 'after']), { timeout: 25_000 });
      expect(statuses.slice(0, 2)).toEqual(['reconnecting', 'connected']);
    } finally {
      await bus?.close();
      await server.dispose();
    }
  }, 90_000);
});
