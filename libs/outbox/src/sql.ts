/**
 * The slice of a Prisma client (or an interactive transaction) the outbox needs. Every service has
 * its own generated client; all of them fit this shape, so the outbox works with any of them.
 */
export interface SqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** A client that can open interactive transactions. */
export interface TransactionalClient extends SqlClient {
  $transaction<R>(fn: (tx: SqlClient) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
}

/**
 * The two tables every service's `schema.prisma` declares (copy these models verbatim):
 *
 * ```prisma
 * model OutboxMessage {
 *   id          String    @id @db.Uuid
 *   seq         BigInt    @unique @default(autoincrement())
 *   kind        String
 *   destination String
 *   key         String?
 *   payload     Json
 *   headers     Json      @default("{}")
 *   createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
 *   publishedAt DateTime? @map("published_at") @db.Timestamptz(3)
 *
 *   @@index([publishedAt, seq])
 *   @@map("outbox_message")
 * }
 *
 * model ProcessedMessage {
 *   consumer    String
 *   messageId   String   @map("message_id")
 *   processedAt DateTime @default(now()) @map("processed_at") @db.Timestamptz(3)
 *
 *   @@id([consumer, messageId])
 *   @@map("processed_message")
 * }
 * ```
 */
export const OUTBOX_TABLE = 'outbox_message';
export const INBOX_TABLE = 'processed_message';
