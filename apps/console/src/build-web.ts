import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultWebDir } from './server/config.ts';

const sources = [new URL('./web', import.meta.url).pathname, new URL('./api', import.meta.url).pathname];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** True when `dist/web` is missing or older than the web app's sources. */
export function webBuildIsStale(webDir: string = defaultWebDir): boolean {
  const index = path.join(webDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return sources.some((dir) => newestSource(dir) > built);
}

const execFileAsync = promisify(execFile);

/**
 * Builds the web app with Vite (`vite.config.ts`) when it is stale; returns whether it built. In a
 * process of its own with NODE_ENV=production: inside a test runner (NODE_ENV=test) Vite would
 * otherwise make React's development build, twice the size of what ships, and the browser tests
 * would measure that.
 */
export async function buildWebAppIfNeeded(webDir: string = defaultWebDir): Promise<boolean> {
  if (!webBuildIsStale(webDir)) return false;
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const config = new URL('../vite.config.ts', import.meta.url).pathname;
  await execFileAsync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], { env: { ...process.env, NODE_ENV: 'production' } });
  return true;
}
