import type { Clock } from '@sva/kernel';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export type BillingDb = PrismaClient;
export type Tx = TransactionClient;

/** What the use cases work with. Built once in `service.ts`. */
export interface BillingContext {
  readonly db: BillingDb;
  /** Run `work` in one transaction, then wake the outbox relay. */
  transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R>;
  readonly clock: Clock;
  readonly graceDays: number;
  readonly timeZone: string;
}
