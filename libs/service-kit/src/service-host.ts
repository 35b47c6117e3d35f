import type { Logger } from 'pino';
import type { HttpApp, HttpLifecycle } from './http.ts';

/** Something that runs in the background of a service: a consumer, the outbox relay, a schedule. */
export interface Worker {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work and wait for the work in hand. */
  stop(): Promise<void>;
}

/** A resource closed last, in the order given (bus before database). */
export interface Resource {
  readonly name: string;
  close(): Promise<void>;
}

export interface ServiceHostOptions {
  readonly name: string;
  readonly logger: Logger;
  readonly http: { readonly app: HttpApp; readonly lifecycle: HttpLifecycle; readonly host: string; readonly port: number };
  readonly workers?: readonly Worker[];
  readonly resources?: readonly Resource[];
  /**
   * Pause between failing readiness and closing the listener, so load balancers stop sending
   * traffic first (Kubernetes also has a preStop pause). Default 0.
   */
  readonly drainDelayMs?: number;
}

/** A built service: `start` serves, `stop` shuts down gracefully. */
export interface RunningService {
  /** Base URL the HTTP server listens on (resolved port when 0 was asked). */
  readonly url: string;
  stop(): Promise<void>;
}

export interface Service {
  readonly name: string;
  start(): Promise<RunningService>;
}

/**
 * The one boot and shutdown order every service follows. Start: workers, then HTTP.
 * Stop: readiness goes 503, (drain delay), workers stop, HTTP closes, then the bus is
 * drained and the database disconnected — each step logged, none skipped when one fails (the
 * first failure is rethrown at the end). A start that fails stops the workers it started, closes
 * HTTP and the resources, and rethrows.
 */
export function serviceHost(options: ServiceHostOptions): Service {
  const log = options.logger;
  const workers = options.workers ?? [];
  const resources = options.resources ?? [];
  return {
    name: options.name,
    async start() {
      const started: Worker[] = [];
      let url: string;
      try {
        for (const worker of workers) {
          await worker.start();
          started.push(worker);
          log.debug({ worker: worker.name }, 'worker started');
        }
        const address = await options.http.app.listen({ host: options.http.host, port: options.http.port });
        url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
      } catch (error) {
        // Whoever called `start` has no handle to stop with, so a failed start cleans up after itself.
        log.error({ err: error }, `${options.name} failed to start`);
        options.http.lifecycle.markShuttingDown();
        await runSteps(shutdownSteps(started)).catch(() => undefined);
        throw error;
      }
      log.info({ url }, `${options.name} listening`);
      let stopping: Promise<void> | undefined;
      return {
        url,
        stop() {
          stopping ??= shutdown();
          return stopping;
        },
      };
    },
  };

  async function shutdown(): Promise<void> {
    options.http.lifecycle.markShuttingDown();
    if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
    try {
      await runSteps(shutdownSteps(workers));
    } finally {
      log.info(`${options.name} stopped`);
    }
  }

  function shutdownSteps(running: readonly Worker[]): Array<[string, () => Promise<void>]> {
    return [
      ...running.map((w): [string, () => Promise<void>] => [`worker ${w.name}`, () => w.stop()]),
      ['http', () => options.http.app.close()],
      ...resources.map((r): [string, () => Promise<void>] => [r.name, () => r.close()]),
    ];
  }

  /** Run every step even when one fails; rethrow the first failure at the end. */
  async function runSteps(steps: Array<[string, () => Promise<void>]>): Promise<void> {
    const failures: unknown[] = [];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
        log.error({ err: error, step: name }, 'shutdown step failed');
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
