/**
 * The contracts services share: zod schemas for every event and request/reply message, and the
 * names of streams, subjects and buckets. Imports zod and nothing else.
 */
export * from './names.ts';
export * from './common.ts';
export * from './catalog.ts';
export * from './gateway.ts';
export * from './subscriptions.ts';
export * from './billing.ts';
export * from './login-keys.ts';
export * from './charges.ts';
