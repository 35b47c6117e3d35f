/** The outbox's SQL runs on any Prisma client (or interactive transaction): see `SqlClient` in `@sva/db`. */
export type { SqlClient, TransactionalClient } from '@sva/db';

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
 *   @@index([processedAt])
 *   @@map("processed_message")
 * }
 * ```
 */
export const OUTBOX_TABLE = 'outbox_message';
export const INBOX_TABLE = 'processed_message';
