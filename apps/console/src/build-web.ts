import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
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

/** Builds the web app with Vite (`vite.config.ts`) when it is stale; returns whether it built. */
export async function buildWebAppIfNeeded(webDir: string = defaultWebDir): Promise<boolean> {
  if (!webBuildIsStale(webDir)) return false;
  const { build } = await import('vite');
  await build({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
  return true;
}
