/**
 * `@sva/bus`: the message-bus port the services use and its two adapters.
 *
 * - `connectNatsBus` — NATS JetStream (streams, durable pull consumers, KV) and core request/reply;
 * - `createMemoryBus` — the same semantics in process, for the embedded mode and fast tests.
 */
export type * from './port.ts';
export * from './errors.ts';
export { encodeJson, decodeJson } from './json.ts';
export { connectNatsBus, type NatsBusOptions } from './nats.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory.ts';
export { ENQUEUED_AT_HEADER } from './headers.ts';
