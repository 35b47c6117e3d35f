export * from './postgres.ts';
export * from './nats.ts';
export * from './schema.ts';
export * from './nats-server.ts';
export * from './faults.ts';
export * from './openapi.ts';
