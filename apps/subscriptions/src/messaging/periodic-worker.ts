import type { Logger, Worker } from '@sva/service-kit';

/** A background loop that can be woken early. */
export interface PeriodicWorker extends Worker {
  /** Run a pass now (e.g. right after committing work for it). */
  kick(): void;
}

/**
 * Run `pass` every `intervalMs` (real time) until stopped. A pass that returns `true` has more
 * work waiting and is followed at once; one that throws is logged and retried with backoff.
 * `kick()` starts the next pass without waiting for the interval.
 */
export function periodicWorker(name: string, intervalMs: number, logger: Logger, pass: () => Promise<boolean>): PeriodicWorker {
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });
  const run = async () => {
    let failures = 0;
    while (running) {
      kicked = false;
      let more = false;
      try {
        more = await pass();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger[failures === 1 ? 'warn' : 'error']({ err: error, worker: name, failures }, `${name} failed; will retry`);
      }
      if (!running) break;
      if ((more || kicked) && failures === 0) continue;
      await sleep(failures > 0 ? Math.min(30_000, 250 * 2 ** Math.min(failures, 7)) : intervalMs);
    }
  };
  return {
    name,
    async start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    kick() {
      kicked = true;
      wake?.();
    },
  };
}
