/**
 * `node migrate.mjs`: the migration entry point of a built service (the Kubernetes migration Job
 * runs it). It is `npm run migrate -- apply <app>` without the workspace: the same
 * `ensureDatabase` + `applyMigrations` of `@sva/db` (Prisma's `_prisma_migrations` bookkeeping,
 * an advisory lock so concurrent runs apply each migration once), applied to the database in the
 * service's own `<SERVICE>_DATABASE_URL`, from the `prisma/migrations` folder shipped beside it.
 * It never needs the schema engine: diffing is a development task.
 *
 * Exit codes: 0 applied or up to date, 1 failed, 78 (EX_CONFIG) the variable is missing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, ensureDatabase, redactUrl } from '@sva/db';

/** Replaced at build time by the service's variable, e.g. `CATALOG_DATABASE_URL`. */
declare const __SVA_DATABASE_URL_VARIABLE__: string;
/** Replaced at build time by the service's name. */
declare const __SVA_SERVICE__: string;

const variable = __SVA_DATABASE_URL_VARIABLE__;
const service = __SVA_SERVICE__;
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'prisma', 'migrations');
const say = (line: string) => process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), name: `${service}-migrate`, msg: line })}\n`);

const url = process.env[variable]?.trim();
if (!url) {
  process.stderr.write(`invalid configuration:\n  - ${variable}: is required\n`);
  process.exit(78);
}
try {
  say(`migrating ${redactUrl(url)} from ${migrationsDir}`);
  await ensureDatabase(url);
  await applyMigrations({ url, migrationsDir, log: say });
  process.exit(0);
} catch (error) {
  process.stderr.write(`migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
