import type { Bus, ObjectInfo } from '@sva/bus';
import type { Logger, Worker } from '@sva/service-kit';
import type { EntitlementView } from './entitlement-view.ts';
import { encodeSnapshot, SNAPSHOT_BUCKET, SNAPSHOT_NAME } from './snapshot.ts';
import type { ViewFeed } from './view-feed.ts';

export interface SnapshotWriterOptions {
  readonly bus: Bus;
  readonly view: EntitlementView;
  readonly feed: ViewFeed;
  /** Keep the stored snapshot no older than this; 0 turns writing off. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface SnapshotWriter extends Worker {
  /** Write a snapshot of the view now (when it is ready); resolves with what was stored. */
  writeNow(): Promise<ObjectInfo | undefined>;
}

/**
 * Keeps a recent snapshot of the view in the object store, for fresh replicas to start from. Every
 * replica checks now and then (every `intervalMs`, ± 20 % so replicas spread out) and writes only
 * when the stored snapshot is older than `intervalMs` — so among N replicas about one writes per
 * interval. The first check comes a few seconds after the view is ready, so the first replica of
 * a deployment (which had to replay every key) leaves a snapshot behind at once.
 *
 * A write copies the used part of every column at one instant (with the bucket revision the view
 * reflects at that instant), then streams the copy out while the view keeps changing.
 */
export function createSnapshotWriter(options: SnapshotWriterOptions): SnapshotWriter {
  const { bus, view, feed, intervalMs, logger } = options;
  const now = options.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let writing: Promise<ObjectInfo | undefined> | undefined;
  let lastWrittenRevision = -1;

  const write = async (): Promise<ObjectInfo | undefined> => {
    const epoch = feed.epoch();
    if (!feed.ready() || epoch === undefined) return undefined;
    const revision = feed.revision();
    const started = now();
    const chunks = encodeSnapshot(view.image(), { revision, epoch }, new Date(started));
    const store = await bus.objects({ bucket: SNAPSHOT_BUCKET });
    const info = await store.put(
      SNAPSHOT_NAME,
      (async function* () {
        yield* chunks;
      })(),
    );
    lastWrittenRevision = revision;
    logger.info({ revision, bytes: info.size, ms: now() - started }, 'view snapshot written');
    return info;
  };

  const writeNow = (): Promise<ObjectInfo | undefined> => {
    writing ??= write().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  const check = async (): Promise<void> => {
    if (!feed.ready() || feed.revision() === lastWrittenRevision) return;
    const store = await bus.objects({ bucket: SNAPSHOT_BUCKET });
    const stored = await store.info(SNAPSHOT_NAME);
    if (stored && now() - stored.modifiedAt.getTime() < intervalMs) return;
    await writeNow();
  };

  const schedule = (delayMs: number): void => {
    if (!running) return;
    timer = setTimeout(() => {
      const wasReady = feed.ready();
      check()
        .catch((error: unknown) => logger.warn({ err: error }, 'cannot write a view snapshot; will try again'))
        .finally(() => schedule(wasReady ? intervalMs * (0.8 + Math.random() * 0.4) : 1_000));
    }, delayMs);
    timer.unref();
  };

  return {
    name: 'snapshot-writer',
    async start() {
      if (intervalMs <= 0) return;
      running = true;
      schedule(1_000 + Math.random() * 2_000);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await writing?.catch(() => undefined);
    },
    writeNow,
  };
}
