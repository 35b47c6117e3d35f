import type { Clock } from '@sva/kernel';
import type { BillingSettings } from './domain/settings.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export type BillingDb = PrismaClient;
export type Tx = TransactionClient;

/** Options of one transaction (Prisma's interactive transaction limits). */
export interface TransactionOptions {
  /** Longest the transaction may run. Default 5 s (Prisma's); set higher for batches. */
  readonly timeoutMs?: number;
}

/** What the use cases work with. Built once in `service.ts`. */
export interface BillingContext {
  readonly db: BillingDb;
  /** Run `work` in one transaction, then wake the outbox relay. */
  transaction<R>(work: (tx: Tx) => Promise<R>, options?: TransactionOptions): Promise<R>;
  readonly clock: Clock;
  /** Settings in force until an operator saves others (`PUT /v1/settings`). */
  readonly defaultSettings: BillingSettings;
  readonly newId: () => string;
  /** Who this replica is, recorded on the daily evaluations it runs. */
  readonly runner: string;
  /** Customers judged per transaction by the daily evaluation and the trust-expiry sweep. */
  readonly evaluationBatchSize: number;
  /** Batches of the daily evaluation judged at once (each on its own connection). */
  readonly evaluationConcurrency: number;
}
