import { type Bus, decodeJson, type KvEntry, type KvStore, type Subscription } from '@sva/bus';
import { buckets, EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import type { Logger, Worker } from '@sva/service-kit';
import type { EntitlementView } from './entitlement-view.ts';
import type { Freshness } from './freshness.ts';
import { loadSnapshot, SNAPSHOT_BUCKET, SNAPSHOT_NAME, type SnapshotMeta } from './snapshot.ts';

export interface ViewFeedOptions {
  readonly bus: Bus;
  readonly view: EntitlementView;
  readonly freshness: Freshness;
  readonly logger: Logger;
  /** Start from the latest snapshot when one fits the bucket, instead of replaying every key. */
  readonly useSnapshots: boolean;
  readonly now?: () => number;
}

/** Where the bootstrap stands, for `/readyz` and the logs. */
export interface BootstrapReport {
  readonly state: 'starting' | 'loading-snapshot' | 'replaying' | 'ready' | 'retrying';
  /** How the view was loaded: a snapshot and the changes after it, or a replay of every key. */
  readonly source?: 'snapshot' | 'replay';
  /** Entries applied from the bus since the start (beyond the snapshot). */
  readonly entries: number;
  /** Time from start to ready. */
  readonly seconds?: number;
  readonly snapshot?: SnapshotMeta;
}

/** Feeds the view from the bus and says when it is loaded. */
export interface ViewFeed extends Worker {
  /** The view is loaded and has caught up with both buckets. */
  ready(): boolean;
  /** Revision of the `entitlements` bucket the view reflects (the last entry applied). */
  revision(): number;
  /** Incarnation of the `entitlements` bucket the view follows. */
  epoch(): string | undefined;
  report(): BootstrapReport;
}

const maxRetryMs = 10_000;

/**
 * Builds the view from the bus and keeps it current (issue 7, "The view").
 *
 * Bootstrap: the latest value per key, never the history. When the object store holds a snapshot
 * of this incarnation of the `entitlements` bucket, it is loaded (columns copied into place) and
 * only the entries written after the revision it covers are replayed; otherwise every key is
 * replayed. Integrations (a handful) are always replayed. Then both watches follow changes; the
 * feed is ready once both have caught up. A bootstrap that fails (bus away, bad snapshot) is
 * retried from scratch with backoff; a bad snapshot is skipped on the next attempt.
 */
export function createViewFeed(options: ViewFeedOptions): ViewFeed {
  const { bus, view, freshness, logger } = options;
  const now = options.now ?? Date.now;
  const subscriptions: Subscription[] = [];
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let state: BootstrapReport['state'] = 'starting';
  let source: BootstrapReport['source'];
  let snapshot: SnapshotMeta | undefined;
  let entries = 0;
  let seconds: number | undefined;
  let lastRevision = 0;
  let epoch: string | undefined;
  let snapshotsUsable = options.useSnapshots;

  const decode = (entry: KvEntry): unknown => {
    try {
      return decodeJson(entry.value);
    } catch {
      return undefined;
    }
  };

  const applyIntegration = (entry: KvEntry): void => {
    if (entry.operation !== 'put') return;
    const parsed = GatewayIntegrationV1.safeParse(decode(entry));
    if (!parsed.success) {
      logger.error({ bucket: buckets.gatewayIntegrations, key: entry.key, revision: entry.revision }, 'ignoring a record that does not match its contract');
      return;
    }
    if (view.applyIntegration(parsed.data)) freshness.changed();
  };

  const applyEntitlement = (entry: KvEntry): void => {
    lastRevision = entry.revision;
    entries += 1;
    if (entry.operation === 'delete') {
      const dot = entry.key.indexOf('.');
      if (dot > 0 && view.removeEntitlement(entry.key.slice(0, dot), entry.key.slice(dot + 1))) freshness.changed();
      return;
    }
    const parsed = EntitlementV1.safeParse(decode(entry));
    if (!parsed.success) {
      logger.error({ bucket: buckets.entitlements, key: entry.key, revision: entry.revision }, 'ignoring a record that does not match its contract');
      return;
    }
    if (view.applyEntitlement(parsed.data)) freshness.changed();
  };

  const watchUntilCaughtUp = async (store: KvStore, onEntry: (entry: KvEntry) => void, fromRevision?: number): Promise<Promise<void>> => {
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    subscriptions.push(await store.watch({ onEntry, onCaughtUp: () => caughtUp(), ...(fromRevision ? { fromRevision } : {}) }));
    return done;
  };

  const bootstrap = async (startedAt: number): Promise<void> => {
    const integrations = await bus.kv({ bucket: buckets.gatewayIntegrations });
    const entitlements = await bus.kv({ bucket: buckets.entitlements });
    const status = await entitlements.status();
    epoch = status.epoch;
    let from = 0;
    if (snapshotsUsable) {
      state = 'loading-snapshot';
      const store = await bus.objects({ bucket: SNAPSHOT_BUCKET });
      const stored = await store.get(SNAPSHOT_NAME);
      if (stored) {
        const loaded = await loadSnapshot(stored.chunks, view, (meta) => meta.epoch === status.epoch && meta.revision <= status.revision).catch((error: unknown) => {
          // The next attempt replays every key instead.
          snapshotsUsable = false;
          throw error;
        });
        if (loaded) {
          snapshot = loaded;
          source = 'snapshot';
          from = loaded.revision + 1;
          lastRevision = loaded.revision;
          logger.info({ revision: loaded.revision, writtenAt: loaded.writtenAt, subscribers: loaded.subscribers, ms: now() - startedAt }, 'view snapshot loaded');
        } else {
          logger.info({ epoch: status.epoch, revision: status.revision }, 'the stored view snapshot is of another bucket incarnation; replaying every key');
        }
      }
    }
    if (from === 0) {
      source = 'replay';
      view.reserve(status.entries);
    }
    state = 'replaying';
    const both = await Promise.all([watchUntilCaughtUp(integrations, applyIntegration), watchUntilCaughtUp(entitlements, applyEntitlement, from)]);
    await Promise.all(both);
  };

  const run = async (): Promise<void> => {
    const startedAt = now();
    let failures = 0;
    while (running) {
      try {
        await bootstrap(startedAt);
        if (!running) return;
        state = 'ready';
        seconds = (now() - startedAt) / 1000;
        logger.info({ seconds, source, entries, ...view.stats() }, 'view loaded and caught up');
        return;
      } catch (error) {
        failures += 1;
        state = 'retrying';
        logger.error({ err: error, failures }, 'view bootstrap failed; starting over');
        await Promise.allSettled(subscriptions.splice(0).map((s) => s.stop()));
        view.clear();
        entries = 0;
        lastRevision = 0;
        snapshot = undefined;
        source = undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(250 * 2 ** failures, maxRetryMs));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  };

  return {
    name: 'view-feed',
    async start() {
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await Promise.allSettled(subscriptions.splice(0).map((s) => s.stop()));
      // A bootstrap waiting on a watch that will never catch up now is left behind: it holds no resources.
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 100))]);
    },
    ready: () => state === 'ready',
    revision: () => lastRevision,
    epoch: () => epoch,
    report: () => ({ state, entries, ...(source ? { source } : {}), ...(seconds !== undefined ? { seconds } : {}), ...(snapshot ? { snapshot } : {}) }),
  };
}
