import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. Unit tests (`*.spec.ts`) and integration tests (`*.int.spec.ts`,
 * real PostgreSQL and NATS) run together; integration tests get longer timeouts.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // On a 2-core machine several forks of heavy integration tests only fight each other.
    maxWorkers: 2,
  },
});
