import { fork, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** What the benchmarks that run the services as processes share: databases, processes, CPU and memory readings. */

/** Run one statement on `url` with a fresh connection (CREATE / DROP DATABASE and the like). */
export async function runSql(url: string, sql: string): Promise<void> {
  await withClient(url, (client) => client.query(sql));
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Poll `<url>/readyz` until it answers 200. */
export async function ready(name: string, url: string, timeoutMs = 300_000, where = ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs} ms${where ? ` (see ${where})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** CPU seconds a process used so far (Linux `/proc`), or null when unknown. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds used so far by every process with this command name (e.g. all PostgreSQL backends). */
export function cpuSecondsOf(command: string): number | null {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) total += cpuSeconds(Number(entry)) ?? 0;
      } catch {
        // gone meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

/** Resident set size of a process in MB (Linux `/proc`), or null when unknown. */
export function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

const launcher = path.join(path.dirname(fileURLToPath(import.meta.url)), 'billing-service-process.ts');

/**
 * The services a benchmark runs, each in its own process (`billing-service-process.ts`, as its
 * `main.ts` would run it), logging into `logDir/<name>.log`, with an IPC channel.
 */
export class ServiceProcesses {
  private readonly children: ChildProcess[] = [];
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly baseEnv: Record<string, string | undefined>,
    private readonly log: (message: string) => void,
  ) {}

  start(name: 'billing' | 'subscriptions' | 'gateway', variables: Record<string, string>): ChildProcess {
    const out = openSync(path.join(this.logDir, `${name}.log`), 'a');
    // BENCH_CPU_PROFILE=1: each service writes a V8 CPU profile (`*.cpuprofile`) into the log folder when it exits.
    const profile = this.baseEnv.BENCH_CPU_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${this.logDir}`] : [];
    const child = fork(launcher, [name], { execArgv: ['--import', 'tsx', ...profile], env: { ...this.baseEnv, ...variables }, stdio: ['ignore', out, out, 'ipc'] });
    child.once('exit', (code) => {
      if (!this.stopping) this.log(`${name} exited early with code ${code}; see ${path.join(this.logDir, `${name}.log`)}`);
    });
    this.children.push(child);
    return child;
  }

  /** SIGTERM every process (SIGKILL after 30 s) and wait for them to exit. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/**
 * Run a benchmark's `main`, then always its `cleanup` (processes stopped, databases and streams
 * removed), also when interrupted (SIGINT, SIGTERM: exit 130). A failure is logged and sets exit code 1.
 */
export async function runBenchmark(main: () => Promise<void>, cleanup: () => Promise<void>, log: (message: string) => void): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}
