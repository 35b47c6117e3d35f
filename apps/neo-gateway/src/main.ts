import { runMain, startTelemetry } from '@sva/service-kit';
import { loadConfig } from './config.ts';
import { redactCallbackUrl } from './http/redact.ts';

// Boot order: config → telemetry → the app (imported after telemetry so it can be instrumented).
await runMain(async () => {
  const config = loadConfig();
  // R3: request spans record the URL; the callback secret in it is replaced before they do.
  startTelemetry('neo-gateway', process.env, { redactUrl: redactCallbackUrl });
  const { buildGatewayService } = await import('./service.ts');
  return buildGatewayService(config);
});
