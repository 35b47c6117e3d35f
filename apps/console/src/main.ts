import { runMain, startTelemetry } from '@sva/service-kit';
import { loadConfig } from './server/config.ts';

// Boot order: config → telemetry → the app (imported after telemetry so it can be instrumented).
await runMain(async () => {
  const config = loadConfig();
  startTelemetry('console');
  const { buildConsoleServer } = await import('./server/server.ts');
  const built = await buildConsoleServer(config);
  if (built.firstAdminPassword) {
    // Shown once: there was no account, so this start created `admin`.
    process.stdout.write(`console: first start, created user "admin" with password ${built.firstAdminPassword} (change it)\n`);
  }
  return built;
});
