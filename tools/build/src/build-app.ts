import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { appDatabaseVariable } from '@sva/db';
import * as esbuild from 'esbuild';
import { type Lockfile, pruneLockfile } from './prune-lockfile.ts';

/**
 * Packages kept out of the bundle and installed beside it (`npm ci --omit=dev` from the pruned
 * lockfile). Only `pg`: the OpenTelemetry pg instrumentation patches the driver when Node loads it,
 * which it cannot do to a copy inlined in the bundle. Everything else — fastify, NATS, zod, pino,
 * OpenTelemetry, the generated Prisma client with its WebAssembly query compiler — is bundled.
 */
export const runtimeExternals: readonly string[] = ['pg'];

/**
 * Packages only development paths load, always through `import()`: embedded PGlite, Prisma's
 * WebAssembly schema engine (migration diffs), testcontainers. Left out of the bundle and not
 * installed; the build fails if anything imports one statically (it would crash at start).
 */
export const devOnlyExternals: readonly string[] = [
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  '@prisma/schema-engine-wasm',
  'testcontainers',
  '@testcontainers/postgresql',
  'pg-native',
];

export interface BuildAppOptions {
  /** Workspace root (holds `apps/`, `package-lock.json`). */
  readonly root: string;
  /** App folder name under `apps/`, e.g. `catalog`. */
  readonly app: string;
  /** Where the artefact goes; emptied first. Default `<root>/dist/apps/<app>`. */
  readonly outDir?: string;
  /**
   * `copy` (default): copy the pruned runtime packages from the workspace's `node_modules`, so
   * `node main.mjs` runs at once. `none`: leave them to `npm ci --omit=dev` (the Dockerfile does).
   */
  readonly nodeModules?: 'copy' | 'none';
}

/** A built artefact. */
export interface BuiltApp {
  readonly app: string;
  readonly outDir: string;
  /**
   * Entry points, relative to `outDir`: `main.mjs`, `migrate.mjs` for services with a database,
   * and any the app's `package.json` names under `svaBuild.entries` (the console's `create-admin.mjs`).
   */
  readonly entries: { readonly main: string; readonly migrate?: string } & Readonly<Record<string, string>>;
  /** The built web app's folder, relative to `outDir` (`web`), for an app with `svaBuild.web`. */
  readonly web?: string;
  /** The service's database variable (`CATALOG_DATABASE_URL`), when it has a database. */
  readonly databaseVariable?: string;
  /** Runtime dependencies written to the artefact's `package.json`, at their locked versions (the externals it imports). */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Every file written, relative to `outDir`, with its size in bytes. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
}

/** The app cannot be built as asked. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
}

const migrateEntry = fileURLToPath(new URL('./migrate-main.ts', import.meta.url));

/**
 * Build one service into a folder that runs with plain `node` and nothing from the workspace:
 *
 * ```
 * main.mjs              the service (ESM bundle, node20 target; the app's src/main.ts)
 * migrate.mjs           apply prisma/migrations to <SERVICE>_DATABASE_URL (services with a database)
 * chunks/*.mjs          code split out of the entries (the service module loads after telemetry starts)
 * prisma/migrations/    the app's committed migrations
 * package.json          type: module, dependencies: the runtime externals at their locked versions
 * package-lock.json     the workspace lockfile pruned to those dependencies
 * node_modules/         those dependencies (with nodeModules: 'copy')
 * ```
 */
export async function buildApp(options: BuildAppOptions): Promise<BuiltApp> {
  const root = path.resolve(options.root);
  const appDir = path.join(root, 'apps', options.app);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.app) || !existsSync(path.join(appDir, 'package.json'))) {
    throw new BuildError(`no app ${options.app} under ${path.join(root, 'apps')}`);
  }
  const mainSource = path.join(appDir, 'src', 'main.ts');
  if (!existsSync(mainSource)) throw new BuildError(`apps/${options.app} has no src/main.ts`);
  const outDir = path.resolve(options.outDir ?? path.join(root, 'dist', 'apps', options.app));
  if (root === outDir || root.startsWith(`${outDir}${path.sep}`) || outDir === appDir) {
    throw new BuildError(`refusing to empty ${outDir}: it holds the workspace`);
  }
  const appPackage = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as AppPackage;
  const extraEntries = Object.fromEntries(Object.entries(appPackage.svaBuild?.entries ?? {}).map(([name, source]) => [name, path.join(appDir, source)]));
  for (const [name, source] of Object.entries(extraEntries)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name) || name === 'main' || name === 'migrate' || !existsSync(source)) throw new BuildError(`apps/${options.app}: svaBuild.entries.${name} is not a source file or a usable name`);
  }
  const migrationsDir = path.join(appDir, 'prisma', 'migrations');
  const hasMigrations = existsSync(migrationsDir);
  const databaseVariable = hasMigrations ? appDatabaseVariable(root, options.app) : undefined;

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: mainSource, ...(hasMigrations ? { migrate: migrateEntry } : {}), ...extraEntries },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: [...runtimeExternals, ...devOnlyExternals],
    // CommonJS packages inside an ESM bundle still call `require` for Node's own modules and for
    // `pg`; give them the real one (loading `pg` through it is also what lets the instrumentation
    // patch it).
    banner: { js: "import { createRequire as __svaCreateRequire } from 'node:module';\nconst require = __svaCreateRequire(import.meta.url);" },
    define: {
      __SVA_DATABASE_URL_VARIABLE__: JSON.stringify(databaseVariable ?? ''),
      __SVA_SERVICE__: JSON.stringify(options.app),
    },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'eof',
  });
  if (result.errors.length > 0) {
    throw new BuildError(esbuild.formatMessagesSync(result.errors, { kind: 'error' }).join('\n'));
  }
  const used = assertExternalsAllowed(result.metafile, outDir);

  if (hasMigrations) cpSync(migrationsDir, path.join(outDir, 'prisma', 'migrations'), { recursive: true });
  const web = appPackage.svaBuild?.web;
  if (web !== undefined) await buildWeb(path.join(appDir, web), path.join(outDir, 'web'));

  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const pruned = pruneLockfile(lock, used, { name: appPackage.name, version: appPackage.version });
  const packageJson = {
    name: appPackage.name,
    version: appPackage.version,
    private: true,
    description: `${options.app}, built for production: run with \`node main.mjs\`${hasMigrations ? '; migrate with `node migrate.mjs`' : ''}.`,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: { start: 'node main.mjs', ...(hasMigrations ? { migrate: 'node migrate.mjs' } : {}) },
    dependencies: pruned.dependencies,
  };
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'package-lock.json'), `${JSON.stringify(pruned.lockfile, null, 2)}\n`);
  if ((options.nodeModules ?? 'copy') === 'copy') {
    for (const installPath of pruned.paths) copyInstalledPackage(path.join(root, installPath), path.join(outDir, installPath));
  }

  const files = Object.entries(result.metafile.outputs).map(([file, output]) => ({
    path: path.relative(outDir, path.resolve(root, file)),
    bytes: output.bytes,
  }));
  return {
    app: options.app,
    outDir,
    entries: { main: 'main.mjs', ...(hasMigrations ? { migrate: 'migrate.mjs' } : {}), ...Object.fromEntries(Object.keys(extraEntries).map((name) => [name, `${name}.mjs`])) },
    ...(web !== undefined ? { web: 'web' } : {}),
    ...(databaseVariable ? { databaseVariable } : {}),
    dependencies: pruned.dependencies,
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/**
 * Every import left outside the bundle must be a Node built-in, a runtime external (installed
 * beside it), or a development-only package loaded with `import()` on a path production never takes.
 * Returns the runtime externals the bundle does import (the gateway, without a database, needs none).
 */
function assertExternalsAllowed(metafile: esbuild.Metafile, outDir: string): string[] {
  const matching = (specifier: string, names: readonly string[]) => names.find((name) => specifier === name || specifier.startsWith(`${name}/`));
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || isBuiltin(imported.path)) continue;
      const runtime = matching(imported.path, runtimeExternals);
      if (runtime) used.add(runtime);
      else if (!(matching(imported.path, devOnlyExternals) && imported.kind === 'dynamic-import')) {
        problems.push(`${path.basename(file)} imports ${imported.path} (${imported.kind})`);
      }
    }
  }
  if (problems.length > 0) {
    throw new BuildError(`the bundle in ${outDir} would need packages it does not ship:\n  ${problems.join('\n  ')}`);
  }
  return [...used].sort();
}

/** What the build reads from an app's `package.json`. */
interface AppPackage {
  readonly name: string;
  readonly version: string;
  /** Beyond `src/main.ts`: more entry points (`name` → source), and a Vite config whose web app goes to `web/`. */
  readonly svaBuild?: { readonly entries?: Readonly<Record<string, string>>; readonly web?: string };
}

/** Build an app's web part with its Vite config into `outDir` (static files its server serves), with the app's own Vite. */
async function buildWeb(configFile: string, outDir: string): Promise<void> {
  if (!existsSync(configFile)) throw new BuildError(`no Vite config at ${configFile}`);
  const vite = createRequire(configFile).resolve('vite');
  const { build } = (await import(pathToFileURL(vite).href)) as { build(config: { configFile: string; logLevel: 'warn'; build: { outDir: string; emptyOutDir: boolean } }): Promise<unknown> };
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** Copy one installed package without its nested `node_modules` (those are pruned entries of their own). */
function copyInstalledPackage(from: string, to: string): void {
  const nested = path.join(from, 'node_modules');
  cpSync(from, to, { recursive: true, dereference: true, filter: (source) => source !== nested });
}
