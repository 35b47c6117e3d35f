import type { SqlClient } from './sql.ts';

/**
 * Record, inside the caller's transaction, that `consumer` handled message `msgId`. Returns false
 * when it already had: the caller then skips the work, so a redelivery changes nothing. Because
 * the record commits with the work, a crash in between leaves neither.
 */
export async function claimMessage(tx: SqlClient, consumer: string, msgId: string): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    'INSERT INTO processed_message (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    consumer,
    msgId,
  );
  return inserted === 1;
}
