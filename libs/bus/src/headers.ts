/**
 * Header the outbox relay sets on every event it publishes: when its row was written, in epoch
 * milliseconds (the commit of the change it announces). Consumers turn it into
 * `sva.consumer.lag`. Both adapters keep header names as written.
 */
export const ENQUEUED_AT_HEADER = 'sva-enqueued-at';
