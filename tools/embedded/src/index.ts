export * from './system.ts';
export * from './demo.ts';
