export { buildBillingService, type BillingDependencies } from './service.ts';
export { billingDefaults, loadConfig, type BillingConfig } from './config.ts';

/** This service's committed migrations (applied by `npm run migrate`, the tests and the embedded mode). */
export const migrationsDir = new URL('../prisma/migrations', import.meta.url).pathname;
