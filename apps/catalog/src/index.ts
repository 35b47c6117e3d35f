export { buildCatalogService, type CatalogDependencies, type CatalogService } from './service.ts';
export { loadConfig, type CatalogConfig } from './config.ts';

/** This service's committed migrations (applied by `npm run migrate`, the tests and the embedded mode). */
export const migrationsDir = new URL('../prisma/migrations', import.meta.url).pathname;
