import type { Bus } from '@sva/bus';
import { buckets } from '@sva/contracts';
import type { Clock } from '@sva/kernel';
import { putState } from '@sva/outbox';
import type { Logger, Worker } from '@sva/service-kit';
import type { CatalogDb } from '../context.ts';
import { toGatewayIntegration } from '../domain/integration.ts';
import { toIntegration } from '../repositories/integration.repository.ts';

/**
 * Put every integration's gateway record back into the bus's `gateway-integrations` bucket: the
 * database is the source of truth, and this rebuilds the bus's copy after it was lost (the
 * embedded mode's in-process bus after a restart, or a new NATS cluster).
 */
export function republishIntegrations(bus: Bus, db: CatalogDb, clock: Clock, logger: Logger): Worker {
  return {
    name: 'republish-integrations',
    async start() {
      const store = await bus.kv({ bucket: buckets.gatewayIntegrations });
      const rows = await db.integration.findMany();
      const now = clock.now();
      // A relay may be writing newer versions meanwhile: never replace them.
      await Promise.all(rows.map((row) => putState(store, row.id, toGatewayIntegration(toIntegration(row), now))));
      logger.info({ count: rows.length }, 'integrations republished');
    },
    async stop() {},
  };
}
