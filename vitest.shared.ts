import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * With `CI_TEST_REPORT_DIR` set (`.ci/run` sets it), each project also writes its results as JSON
 * there, named after its folder, so that a failure can be printed again at the end of a long,
 * interleaved CI log (`tools/scripts/ci-failures.mjs`).
 */
const reportDir = process.env.CI_TEST_REPORT_DIR;
const project = path.relative(path.dirname(new URL(import.meta.url).pathname), process.cwd()).replaceAll(path.sep, '_') || 'root';

/**
 * Shared vitest settings. Unit tests (`*.spec.ts`) and integration tests (`*.int.spec.ts`,
 * real PostgreSQL and NATS) run together; integration tests get longer timeouts.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    // Generous: on a loaded 2-core CI machine an integration test can take several times its usual time.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // On a 2-core machine several forks of heavy integration tests only fight each other.
    maxWorkers: 2,
    ...(reportDir ? { reporters: ['default', ['json', { outputFile: path.join(reportDir, `${project}.json`) }]] } : {}),
  },
});
