export * from './postgres.ts';
export * from './nats.ts';
export * from './schema.ts';
