import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DbError } from './errors.ts';

/**
 * `<PREFIX>_DATABASE_URL` from the app's `databaseEnv('<PREFIX>')` in `src/config.ts`: the variable
 * the service itself reads. The migrate CLI, the production build and the Kubernetes manifests
 * all take it from here, so the migration Job and the Deployment share one Secret key.
 */
export function findDatabaseVariable(configFile: string, app: string): string {
  const source = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  const prefixes = [...new Set([...source.matchAll(/databaseEnv\(\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\)/g)].map((match) => match[1]!))];
  if (prefixes.length !== 1) {
    throw new DbError(`apps/${app} has migrations, but its src/config.ts names ${prefixes.length === 0 ? 'no' : 'several'} databaseEnv('<PREFIX>')`);
  }
  return `${prefixes[0]}_DATABASE_URL`;
}

/** Where an app declares its configuration: `src/config.ts`, or `src/server/config.ts` (an app with a web part, the console). */
export function appConfigFile(root: string, app: string): string {
  const candidates = [path.join(root, 'apps', app, 'src', 'config.ts'), path.join(root, 'apps', app, 'src', 'server', 'config.ts')];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** The database variable of `apps/<app>` under `root` (see {@link findDatabaseVariable}). */
export function appDatabaseVariable(root: string, app: string): string {
  return findDatabaseVariable(appConfigFile(root, app), app);
}
