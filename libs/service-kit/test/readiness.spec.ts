import { createMemoryBus } from '@sva/bus';
import { describe, expect, it } from 'vitest';
import { busCheck, databaseCheck, readinessOf } from '../src/index.ts';

describe('readinessOf', () => {
  it('when every check resolves, then the report is ready with each check ok', async () => {
    const report = await readinessOf({ database: async () => {}, bus: async () => {} })();
    expect(report).toEqual({ ready: true, checks: { database: { ok: true }, bus: { ok: true } } });
  });

  it('when one check throws, then the report is not ready and carries that check\'s reason', async () => {
    const report = await readinessOf({
      database: async () => {},
      bus: async () => {
        throw new Error('reconnecting');
      },
      odd: () => Promise.reject('plain string'),
    })();
    expect(report).toEqual({
      ready: false,
      checks: { database: { ok: true }, bus: { ok: false, detail: 'reconnecting' }, odd: { ok: false, detail: 'plain string' } },
    });
  });

  it('when there are no checks, then the report is ready', async () => {
    expect(await readinessOf({})()).toEqual({ ready: true, checks: {} });
  });
});

describe('databaseCheck', () => {
  it('when the database answers, then the check passes and it asked SELECT 1', async () => {
    const queries: string[] = [];
    await databaseCheck({ $queryRawUnsafe: async (query) => void queries.push(query) })();
    expect(queries).toEqual(['SELECT 1']);
  });

  it('when the database never answers, then the check fails after its timeout with a reason', async () => {
    const check = databaseCheck({ $queryRawUnsafe: () => new Promise(() => {}) }, 20);
    await expect(check()).rejects.toThrow('no answer in 20 ms');
  });

  it('when the database query fails, then the check fails with its error', async () => {
    const check = databaseCheck({ $queryRawUnsafe: async () => Promise.reject(new Error('connection refused')) });
    await expect(check()).rejects.toThrow('connection refused');
  });

  it('when used in a report, then a hung database shows as not ready with the timeout reason', async () => {
    const report = await readinessOf({ database: databaseCheck({ $queryRawUnsafe: () => new Promise(() => {}) }, 10) })();
    expect(report).toEqual({ ready: false, checks: { database: { ok: false, detail: 'no answer in 10 ms' } } });
  });
});

describe('busCheck', () => {
  it('when the bus is connected, then the check passes; once closed, it fails naming the status', async () => {
    const bus = createMemoryBus();
    const check = busCheck(bus);
    await expect(check()).resolves.toBeUndefined();
    await bus.close();
    await expect(check()).rejects.toThrow('closed');
  });
});
