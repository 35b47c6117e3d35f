export * from './postgres.ts';
export * from './nats.ts';
