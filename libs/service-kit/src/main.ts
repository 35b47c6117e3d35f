import { ConfigError } from './config.ts';
import type { RunningService, Service } from './service-host.ts';
import { shutdownTelemetry } from './telemetry.ts';

/**
 * The body of every `main.ts`: build the service, start it, and stop it gracefully on SIGTERM or
 * SIGINT (a second signal, or `timeoutMs`, forces the exit), flushing telemetry last.
 * Configuration errors are printed plainly and exit 78 (EX_CONFIG); other boot failures exit 1.
 */
export async function runMain(build: () => Promise<Service>, options: { timeoutMs?: number } = {}): Promise<void> {
  let running: RunningService;
  try {
    const service = await build();
    running = await service.start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await shutdownTelemetry(2_000);
    process.exit(1);
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown did not finish in time after ${signal}\n`);
      process.exit(1);
    }, options.timeoutMs ?? 25_000);
    timer.unref();
    // Telemetry last, so that the spans of the shutdown itself are exported too.
    running.stop().then(
      () => shutdownTelemetry().then(() => process.exit(0)),
      () => shutdownTelemetry().then(() => process.exit(1)),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
