import { createMemoryBus, encodeJson, RequestFailedError, type Bus } from '@sva/bus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requestJson, serveRequests } from '../src/index.ts';

const PriceQuery = z.object({ packageId: z.string().min(1), quantity: z.number().int().positive() });
const PriceAnswer = z.object({ packageId: z.string(), totalCents: z.number().int() });
const subject = 'catalog.price.get.v1';

let bus: Bus;
beforeEach(() => {
  bus = createMemoryBus({ onError: () => {} });
});
afterEach(async () => {
  await bus.close();
});

describe('serveRequests and requestJson', () => {
  it('when a valid request is sent, then the handler gets the parsed request and the reply is validated back', async () => {
    const received: unknown[] = [];
    await serveRequests(bus, subject, PriceQuery, async (query) => {
      received.push(query);
      return { packageId: query.packageId, totalCents: 1990 * query.quantity, internal: 'stripped by the reply schema' };
    });
    const answer = await requestJson(bus, subject, { packageId: 'p1', quantity: 2, extra: true }, PriceAnswer);
    expect(answer).toEqual({ packageId: 'p1', totalCents: 3980 });
    expect(received).toEqual([{ packageId: 'p1', quantity: 2 }]);
  });

  it('when the request does not match its contract, then the requester rejects naming the field and the handler is not called', async () => {
    let calls = 0;
    await serveRequests(bus, subject, PriceQuery, async () => {
      calls++;
      return {};
    });
    const failure = requestJson(bus, subject, { packageId: 'p1', quantity: 0 }, PriceAnswer);
    await expect(failure).rejects.toBeInstanceOf(RequestFailedError);
    await expect(failure).rejects.toThrow(/quantity/);
    expect(calls).toBe(0);
  });

  it('when the handler throws, then the requester rejects with its message', async () => {
    await serveRequests(bus, subject, PriceQuery, async () => {
      throw new Error('package p9 is unknown');
    });
    await expect(requestJson(bus, subject, { packageId: 'p9', quantity: 1 }, PriceAnswer)).rejects.toThrow('package p9 is unknown');
  });

  it('when the request is not JSON, then the requester rejects', async () => {
    await serveRequests(bus, subject, PriceQuery, async () => ({}));
    await expect(bus.request(subject, new TextEncoder().encode('{oops'))).rejects.toBeInstanceOf(RequestFailedError);
  });

  it('when the reply does not match the reply schema, then requestJson rejects with a validation error', async () => {
    await bus.reply(subject, async () => encodeJson({ packageId: 'p1', totalCents: 'lots' }));
    await expect(requestJson(bus, subject, { packageId: 'p1', quantity: 1 }, PriceAnswer)).rejects.toBeInstanceOf(z.ZodError);
  });

  it('when the handler returns nothing, then the requester gets null', async () => {
    await serveRequests(bus, subject, PriceQuery, async () => undefined);
    await expect(requestJson(bus, subject, { packageId: 'p1', quantity: 1 }, z.null())).resolves.toBeNull();
  });

  it('when the responder has stopped, then the requester rejects', async () => {
    const subscription = await serveRequests(bus, subject, PriceQuery, async () => ({}));
    await subscription.stop();
    await expect(requestJson(bus, subject, { packageId: 'p1', quantity: 1 }, PriceAnswer)).rejects.toThrow(/no responder/);
  });
});
