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
});
