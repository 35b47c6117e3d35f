export { buildSubscriptionsService, type SubscriptionsDependencies } from './service.ts';
export { loadConfig, type SubscriptionsConfig } from './config.ts';
/** How a name is searched (its stored search form); for tools that write customers in bulk. */
export { nameSearchForm, nameSearchPieces } from './domain/name-search.ts';
/** Local dates in the provider's time zone (remembered per quarter hour); for `bench:calendar`. */
export { calendarDate } from './domain/calendar.ts';
export { closedLinesCopy } from './billing/repositories/lines.ts';

/** This service's committed migrations (applied by `npm run migrate`, the tests and the embedded mode). */
export const migrationsDir = new URL('../prisma/migrations', import.meta.url).pathname;
