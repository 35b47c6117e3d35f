/**
 * `npx nx build <app>` (the app's `build` script runs this from `apps/<app>`), or from anywhere:
 *
 *   tsx tools/build/src/cli.ts <app> [--out <dir>] [--no-node-modules]
 *
 * Builds `dist/apps/<app>` (see `buildApp`). `--no-node-modules` leaves the runtime packages to
 * `npm ci --omit=dev` (the Dockerfile's dependency stage).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, buildApp } from './build-app.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function parse(argv: readonly string[]): { app: string; outDir?: string; nodeModules: 'copy' | 'none' } {
  let app: string | undefined;
  let outDir: string | undefined;
  let nodeModules: 'copy' | 'none' = 'copy';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--out') outDir = argv[++i];
    else if (arg === '--no-node-modules') nodeModules = 'none';
    else if (arg.startsWith('--')) throw new BuildError(`unknown option ${arg}`);
    else app = arg;
  }
  // Run from apps/<app> (the npm script), the app is the current folder.
  const fromCwd = path.relative(path.join(root, 'apps'), process.cwd());
  app ??= fromCwd && !fromCwd.startsWith('..') && !fromCwd.includes(path.sep) ? fromCwd : undefined;
  if (!app) throw new BuildError('usage: build <app> [--out <dir>] [--no-node-modules]');
  return { app, ...(outDir ? { outDir: path.resolve(outDir) } : {}), nodeModules };
}

try {
  const args = parse(process.argv.slice(2));
  const started = performance.now();
  const built = await buildApp({ root, ...args });
  const total = built.files.reduce((sum, file) => sum + file.bytes, 0);
  process.stdout.write(
    `built ${built.app} in ${Math.round(performance.now() - started)} ms → ${path.relative(process.cwd(), built.outDir) || '.'}\n` +
      `  entries: ${Object.values(built.entries).join(', ')}; bundle ${(total / 1_048_576).toFixed(1)} MiB in ${built.files.length} files\n` +
      `  runtime dependencies: ${Object.entries(built.dependencies).map(([name, version]) => `${name}@${version}`).join(', ') || 'none'}\n` +
      (built.databaseVariable ? `  migrations: node migrate.mjs (reads ${built.databaseVariable})\n` : ''),
  );
} catch (error) {
  process.stderr.write(`${error instanceof BuildError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
