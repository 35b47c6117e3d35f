export * from './sql.ts';
export * from './outbox.ts';
export * from './inbox.ts';
export * from './relay.ts';
export * from './state.ts';
