import type { IntegrationChangedV1, PackageV1 } from '@sva/contracts';
import type { Clock } from '@sva/kernel';
import type { LoginHasher } from './domain/login-keys.ts';
import type { PlanTerms } from './domain/plan.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export type SubscriptionsDb = PrismaClient;
export type Tx = TransactionClient;

/** What this service knows of the catalog: its replica, completed by asking the catalog when needed. */
export interface CatalogReader {
  /** The package, or `null` when the catalog has none with that id. */
  getPackage(id: string): Promise<PackageV1 | null>;
  getIntegration(id: string): Promise<IntegrationChangedV1 | null>;
  /** The service plan (R6), or `null` when the catalog has none with that id. */
  getPlan(id: string): Promise<PlanTerms | null>;
}

/** What the use cases work with. Built once in `service.ts`. */
export interface SubscriptionsContext {
  readonly db: SubscriptionsDb;
  /** The bytes of a `COPY … TO STDOUT`, on a connection of the database's pool (`@sva/db`'s `copyOut`). */
  readonly copyOut: (copySql: string) => AsyncGenerator<Buffer>;
  /** Run `work` in one transaction, then wake the outbox relay. */
  transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R>;
  readonly clock: Clock;
  readonly newId: () => string;
  /** R13: a new random subscriber id. */
  readonly newSubscriberId: () => string;
  readonly hasher: LoginHasher;
  readonly catalog: CatalogReader;
  /** The provider's time zone (dates in explanations, report months). */
  readonly timeZone: string;
  /** Wake the entitlement refresh worker: call after committing refresh requests. */
  readonly kickRefresh: () => void;
}
