export * from './errors.ts';
export * from './clock.ts';
export * from './jobs.ts';
export * from './money.ts';
