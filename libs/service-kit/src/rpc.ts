import type { Bus, RequestOptions, Subscription } from '@sva/bus';
import { decodeJson, encodeJson } from '@sva/bus';
import type { z } from 'zod';

/**
 * Answer requests on `subject`: the request is validated against its contract before the handler
 * sees it; the handler's result is sent back as JSON. A handler that throws (or a request that
 * does not validate) makes the requester's call reject with the error message. A handler that
 * returns nothing answers `null`.
 */
export function serveRequests<S extends z.ZodType>(
  bus: Bus,
  subject: string,
  schema: S,
  handler: (request: z.output<S>) => Promise<unknown>,
): Promise<Subscription> {
  return bus.reply(subject, async (message) => encodeJson((await handler(schema.parse(decodeJson(message.data)))) ?? null));
}

/** Send a request and validate the reply against its contract. */
export async function requestJson<S extends z.ZodType>(
  bus: Bus,
  subject: string,
  payload: unknown,
  replySchema: S,
  options?: RequestOptions,
): Promise<z.output<S>> {
  const reply = await bus.request(subject, encodeJson(payload), options);
  return replySchema.parse(decodeJson(reply.data));
}
