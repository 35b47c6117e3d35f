import type { Clock } from '@sva/kernel';
import type { ConsoleConfig } from './config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { OperationTable } from './operations.ts';

/** What the console's routes work with. Built once in `server.ts`. */
export interface ConsoleContext {
  readonly db: PrismaClient;
  readonly clock: Clock;
  readonly config: ConsoleConfig;
  readonly operations: OperationTable;
  /** Forwards one call to a service (default: `fetch`). */
  readonly fetch: typeof fetch;
}
