import { describe, expect, it } from 'vitest';
import { openBus } from '../src/index.ts';

const natsUrl = process.env.NATS_URL;

describe.skipIf(!natsUrl)(`openBus against NATS${natsUrl ? '' : ' (skipped: NATS_URL is not set)'}`, () => {
  it('when NATS_URL lists servers, then the service connects and its bus resource closes the connection', async () => {
    const { bus, resources } = await openBus({ natsUrl: ` ${natsUrl} `, prefix: `sk${Date.now()}.` }, 'service-kit-test');
    expect(bus.status()).toBe('connected');
    expect(resources.map((resource) => resource.name)).toEqual(['bus']);
    await resources[0]!.close();
    expect(bus.status()).toBe('closed');
  });

  it('when streamReplicas asks for more replicas than a single NATS server has, then creating a stream fails (the setting reaches JetStream)', async () => {
    const prefix = `sk${Date.now()}r.`;
    const three = await openBus({ natsUrl, prefix, streamReplicas: 3 }, 'service-kit-test');
    const one = await openBus({ natsUrl, prefix, streamReplicas: 1 }, 'service-kit-test');
    try {
      // This machine's NATS is one server: 3 replicas cannot be placed, 1 can.
      await expect(three.bus.ensureStream({ name: 'REPLICAS', subjects: ['replicas.>'] })).rejects.toThrow(/cannot create stream REPLICAS/);
      await expect(one.bus.ensureStream({ name: 'REPLICAS', subjects: ['replicas.>'] })).resolves.toBeUndefined();
    } finally {
      await Promise.all([...three.resources, ...one.resources].map((resource) => resource.close()));
    }
  });
});
