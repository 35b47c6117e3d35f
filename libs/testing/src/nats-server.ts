import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The `nats-server` binary, when this machine has one (for a private server a test may stop and restart). */
export function findNatsServer(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'];
  return dirs.map((dir) => join(dir, 'nats-server')).find((path) => existsSync(path));
}

/** A TCP port nothing listens on at the moment (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Start `nats-server -js` on `port` with `storeDir`; resolves once it logs that it is ready. */
function launch(binary: string, port: number, storeDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
  });
}

/** A private `nats-server -js` on a free port, which a test may stop and start again (same port, same store). */
export interface PrivateNats {
  readonly url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stop for good and remove its store. */
  dispose(): Promise<void>;
}

/**
 * Start a private NATS server (the shared one cannot be stopped under other tests): for what
 * happens while the bus is down. `binary` from {@link findNatsServer}; skip the test without one.
 */
export async function startPrivateNats(binary: string): Promise<PrivateNats> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'sva-nats-'));
  let child: ChildProcess | undefined = await launch(binary, port, storeDir);
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      child = await launch(binary, port, storeDir);
    },
    async dispose() {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
