import type { Bus, KvEntry, Subscription } from '@sva/bus';
import { decodeJson } from '@sva/bus';
import { buckets, EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import type { Logger, Worker } from '@sva/service-kit';
import type { z } from 'zod';
import type { EntitlementView } from './entitlement-view.ts';

/**
 * Feeds the view from the bus: replays the latest value of every key of both buckets (the
 * bootstrap), then follows changes. `ready()` is true once both replays have caught up.
 */
export function viewFeed(bus: Bus, view: EntitlementView, logger: Logger): Worker & { ready(): boolean } {
  const subscriptions: Subscription[] = [];
  const caughtUp = new Set<string>();
  const follow = async <S extends z.ZodType>(bucket: string, schema: S, apply: (record: z.output<S>) => void) => {
    const store = await bus.kv({ bucket });
    const startedAt = Date.now();
    subscriptions.push(
      await store.watch({
        onEntry: (entry: KvEntry) => {
          if (entry.operation !== 'put') return;
          const parsed = schema.safeParse(safeDecode(entry.value));
          if (parsed.success) apply(parsed.data);
          else logger.error({ bucket, key: entry.key, revision: entry.revision }, 'ignoring a record that does not match its contract');
        },
        onCaughtUp: () => {
          caughtUp.add(bucket);
          logger.info({ bucket, ms: Date.now() - startedAt, ...view.stats() }, 'view bootstrap caught up');
        },
      }),
    );
  };
  return {
    name: 'view-feed',
    async start() {
      await follow(buckets.gatewayIntegrations, GatewayIntegrationV1, (record) => view.applyIntegration(record));
      await follow(buckets.entitlements, EntitlementV1, (record) => view.applyEntitlement(record));
    },
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
    ready: () => caughtUp.size === 2,
  };
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return decodeJson(data);
  } catch {
    return undefined;
  }
}
