import type { Bus } from '@sva/bus';
import type { ReadinessReport } from './http.ts';

/** One readiness probe: resolves when healthy, throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

/** `SELECT 1` against a Prisma client (any client fits). */
export function databaseCheck(db: { $queryRawUnsafe(query: string): PromiseLike<unknown> }, timeoutMs = 2_000): ReadinessCheck {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([db.$queryRawUnsafe('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The bus is connected. */
export function busCheck(bus: Bus): ReadinessCheck {
  return async () => {
    const status = bus.status();
    if (status !== 'connected') throw new Error(status);
  };
}

/** Run named checks in parallel into a readiness report. */
export function readinessOf(checks: Record<string, ReadinessCheck>): () => Promise<ReadinessReport> {
  return async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, { ok: true }] as const;
        } catch (error) {
          return [name, { ok: false, detail: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
  };
}
