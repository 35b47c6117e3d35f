import { randomBytes } from 'node:crypto';

/** A NATS server (with JetStream) for a test file, and a prefix no other run uses. */
export interface ResolvedNats {
  /** `nats://host:port`; empty when `source` is `'none'`. */
  readonly url: string;
  /**
   * Bus prefix unique to this call, e.g. `t3f9a01c2.`: pass it to `connectNatsBus` so parallel runs
   * and test files never see each other's subjects, streams or buckets.
   */
  readonly prefix: string;
  /**
   * `'env'`: `NATS_URL` was set; `'container'`: a `nats:2.10-alpine` container was started;
   * `'none'`: neither — use the memory bus, or skip NATS-only tests with `reason`.
   */
  readonly source: 'env' | 'container' | 'none';
  /** Why no NATS is available (only when `source` is `'none'`). */
  readonly reason?: string;
  /** Release this NATS (stops the container once its last user is done; no-op otherwise). */
  stop(): Promise<void>;
}

interface SharedContainer {
  readonly url: string;
  stop(): Promise<void>;
}

type ContainerAttempt = { ok: true; container: SharedContainer } | { ok: false; reason: string };

// Once per process: the runtime probe fails in milliseconds when there is none, but a container
// start is slow, so every caller in the process shares the first attempt (and the container).
let attempt: Promise<ContainerAttempt> | undefined;
let users = 0;

/** A prefix no other call returns: `t` and 8 random hex digits, ending with a dot. */
export function uniqueNatsPrefix(): string {
  return `t${randomBytes(4).toString('hex')}.`;
}

async function startContainer(): Promise<ContainerAttempt> {
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    const started = await new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    const url = `nats://${started.getHost()}:${started.getMappedPort(4222)}`;
    return {
      ok: true,
      container: {
        url,
        stop: async () => {
          await started.stop();
        },
      },
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `NATS_URL is not set and no container could be started (${why})` };
  }
}

/**
 * Find a NATS for integration tests: `NATS_URL` when set; otherwise a testcontainers NATS 2.10 with
 * JetStream (the runtime is probed once per process); otherwise `source: 'none'` with a `reason`,
 * so that callers fall back to the memory bus or skip visibly:
 *
 * ```ts
 * const nats = await resolveNats();
 * describe.skipIf(nats.source === 'none')(`on NATS ${nats.reason ?? ''}`, () => { … });
 * afterAll(() => nats.stop());
 * ```
 */
export async function resolveNats(): Promise<ResolvedNats> {
  const prefix = uniqueNatsPrefix();
  const fromEnv = process.env['NATS_URL'];
  if (fromEnv) {
    return { url: fromEnv, prefix, source: 'env', stop: () => deleteRunStreams(fromEnv, prefix) };
  }
  attempt ??= startContainer();
  const result = await attempt;
  if (!result.ok) {
    return { url: '', prefix, source: 'none', reason: result.reason, stop: async () => {} };
  }
  users += 1;
  let released = false;
  return {
    url: result.container.url,
    prefix,
    source: 'container',
    stop: async () => {
      if (released) return;
      released = true;
      users -= 1;
      if (users === 0) {
        attempt = undefined;
        await result.container.stop();
      }
    },
  };
}

/**
 * Delete what a run created on a shared server: every stream, KV bucket and object store whose
 * name starts with the run's prefix (also prefixes a test derived from it by appending
 * characters). Without this, each run would leave its streams behind on the CI machine's NATS.
 */
export async function deleteRunStreams(url: string, prefix: string): Promise<void> {
  const token = prefix.replace(/\.+$/, '');
  const owned = [token.toUpperCase(), `KV_${token.toLowerCase()}`, `OBJ_${token.toLowerCase()}`];
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: url.split(','), reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (owned.some((start) => info.config.name.startsWith(start))) names.push(info.config.name);
    }
    await Promise.all(names.map((name) => jsm.streams.delete(name).catch(() => false)));
  } finally {
    await nc.close();
  }
}
