import type { SubscriptionsContext, Tx } from '../context.ts';
import { DEFAULT_ACTOR } from '../domain/history.ts';
import { claimIdempotencyKey, storeIdempotentAnswer, type IdempotentCommand } from '../repositories/idempotency.ts';

/** Who asks, and how a retry is recognised. */
export interface CommandOptions {
  /** Recorded in the history (`X-Actor`). */
  readonly actor?: string;
  /** When given, a retry with the same key replays the first answer (`IdempotentReplay`). */
  readonly idempotency?: IdempotentCommand | undefined;
}

/** The actor of a command, defaulting to the API key holder. */
export const actorOf = (options: CommandOptions): string => options.actor ?? DEFAULT_ACTOR;

/**
 * Run a command's transaction: claim its idempotency key first (a replay rolls everything back
 * and surfaces as `IdempotentReplay`), do the work, store the answer with it.
 */
export function runCommand<R>(ctx: SubscriptionsContext, options: CommandOptions, work: (tx: Tx) => Promise<R>): Promise<R> {
  return ctx.transaction(async (tx) => {
    if (options.idempotency) await claimIdempotencyKey(tx, options.idempotency, ctx.clock.now());
    const result = await work(tx);
    if (options.idempotency) await storeIdempotentAnswer(tx, options.idempotency, result);
    return result;
  });
}
