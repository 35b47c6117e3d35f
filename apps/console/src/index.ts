export { buildConsoleServer, CONSOLE_VERSION, type BuiltConsole, type ConsoleDependencies } from './server/server.ts';
export { consoleDefaults, defaultWebDir, loadConfig, SERVICES, type ConsoleConfig, type ServiceName } from './server/config.ts';

/** The console's committed migrations (applied by `npm run migrate`, the tests and the embedded mode). */
export const migrationsDir = new URL('../prisma/migrations', import.meta.url).pathname;
export { buildWebAppIfNeeded, webBuildIsStale } from './build-web.ts';
export { generatePassword } from './server/passwords.ts';
