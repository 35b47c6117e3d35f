import type { Bus } from '@sva/bus';
import { subjects } from '@sva/contracts';
import type { SubscriptionsDb } from '../../context.ts';
import { lineJsonPage } from '../repositories/lines.ts';

const encoder = new TextEncoder();

/**
 * R20: put the lines of a closed competência on the bus as `subscriptions.billing-line.closed.v1`,
 * one message per line with the line id as de-duplication id. The lines table is their outbox:
 * lines are final (and durable) once the month is closed; they go in (customer, id) order, and
 * the period records the last line published. One step publishes a page of `pageSize` lines in
 * one transaction holding the period's row (replicas skip it meanwhile); after a crash the page
 * is published again, and the bus (duplicate window) and the consumers (line id) drop the
 * repeats. Once every line is out, the period is marked so. Answers how many lines went.
 */
export async function publishLinesStep(db: SubscriptionsDb, bus: Bus, pageSize: number): Promise<number> {
  return db.$transaction(
    async (tx) => {
      const [period] = await tx.$queryRaw<{ period: string; customer_id: string | null; line_id: string | null }[]>`
        SELECT period, published_customer_id::text AS customer_id, published_line_id::text AS line_id FROM billing_period
         WHERE status = 'closed' AND NOT lines_published ORDER BY period LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!period) return 0;
      const after = period.customer_id && period.line_id ? { customerId: period.customer_id, id: period.line_id } : null;
      const lines = await lineJsonPage(tx, period.period, after, pageSize);
      if (lines.length === 0) {
        await tx.$executeRaw`UPDATE billing_period SET lines_published = true WHERE period = ${period.period}`;
        return 0;
      }
      await Promise.all(lines.map((line) => bus.publish(subjects.subscriptions.billingLineClosed, encoder.encode(line.json), { msgId: line.id })));
      const last = lines[lines.length - 1]!;
      await tx.$executeRaw`UPDATE billing_period SET published_customer_id = ${last.customer_id}::uuid, published_line_id = ${last.id}::uuid WHERE period = ${period.period}`;
      return lines.length;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
