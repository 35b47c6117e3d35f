import { runMain, startTelemetry } from '@sva/service-kit';
import { loadConfig } from './config.ts';

// Boot order: config → telemetry → the app (imported after telemetry so it can be instrumented).
await runMain(async () => {
  const config = loadConfig();
  startTelemetry('catalog');
  const { buildCatalogService } = await import('./service.ts');
  return buildCatalogService(config);
});
