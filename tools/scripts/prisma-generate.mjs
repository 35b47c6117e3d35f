#!/usr/bin/env node
// Generates the Prisma client of every service: `prisma generate --schema apps/<app>/prisma/schema.prisma`
// for each app that has one (root `postinstall` runs this). With arguments, generates those schema files instead.
//
// Works offline: Prisma 7's CLI insists that its native schema engine exists even though `generate`
// never runs it, and it cannot be downloaded here, so PRISMA_SCHEMA_ENGINE_BINARY points at any
// existing file (this Node binary) unless the caller set it. No prisma.config.ts is needed for
// `generate`: the schema has no url (Prisma 7 takes it from the driver adapter at run time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function appSchemas() {
  const appsDir = path.join(root, 'apps');
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(appsDir, entry.name, 'prisma', 'schema.prisma'))
    .filter((schema) => existsSync(schema))
    .sort();
}

function prismaCli() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('prisma/build/index.js');
  } catch {
    return undefined;
  }
}

const schemas = process.argv.length > 2 ? process.argv.slice(2).map((file) => path.resolve(file)) : appSchemas();
if (schemas.length === 0) {
  console.log('prisma-generate: no apps/*/prisma/schema.prisma yet, nothing to generate');
  process.exit(0);
}

const cli = prismaCli();
if (!cli) {
  console.error(
    'prisma-generate: the prisma CLI is not installed (it is a root devDependency). ' +
      'Install with dev dependencies, or install with --ignore-scripts and bring the generated clients along.',
  );
  process.exit(1);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

for (const schema of schemas) {
  if (!existsSync(schema)) {
    console.error(`prisma-generate: ${schema} does not exist`);
    process.exit(1);
  }
  const label = path.relative(root, schema);
  console.log(`prisma-generate: ${label}`);
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    const reason = result.error ? result.error.message : result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    console.error(`prisma-generate: prisma generate failed for ${label} (${reason})`);
    process.exit(1);
  }
}
