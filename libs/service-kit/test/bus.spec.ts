import { createMemoryBus } from '@sva/bus';
import { describe, expect, it } from 'vitest';
import { openBus } from '../src/index.ts';

describe('openBus', () => {
  it('when a bus is injected, then it is used and the service gets nothing to close', async () => {
    const injected = createMemoryBus();
    const opened = await openBus({ natsUrl: 'nats://127.0.0.1:1', prefix: undefined }, 'catalog', injected);
    expect(opened.bus).toBe(injected);
    expect(opened.resources).toEqual([]);
    await injected.close();
  });

  it('when no bus is injected and NATS_URL is unset, then it refuses, naming the service', async () => {
    await expect(openBus({ natsUrl: undefined, prefix: undefined }, 'catalog')).rejects.toThrow(
      'NATS_URL is required when catalog runs on its own',
    );
  });
});
