import type { Clock } from '@sva/kernel';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';
import type { Sealer } from './credentials.ts';
import type { ContentPlatformClient, PlatformConnection } from './platform/content-platform.ts';

export type CatalogDb = PrismaClient;
export type Tx = TransactionClient;

/** What the catalog's use cases work with. Built once in `service.ts`. */
export interface CatalogContext {
  readonly db: CatalogDb;
  /** Run `work` in one transaction, then wake the outbox relay. */
  transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R>;
  readonly clock: Clock;
  readonly randomBytes: (size: number) => Uint8Array;
  readonly newId: () => string;
  readonly sealer: Sealer;
  /** Opens a client for a platform connection (NEO today). */
  readonly platform: (connection: PlatformConnection) => ContentPlatformClient;
  readonly gatewayPublicUrl: string;
  readonly secretRotationOverlapMs: number;
}
