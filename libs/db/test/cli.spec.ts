import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUrlVariable, runMigrateCli, timestamp, type MigrateCliContext } from '../src/cli.ts';
import { WORKSPACE_ROOT } from './helpers.ts';

describe('migrate CLI, without a database', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sva-cli-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function run(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const context: MigrateCliContext = {
      root,
      env,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      now: () => new Date('2025-03-04T05:06:07Z'),
    };
    const code = await runMigrateCli(argv, context);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('when no command is given, then it prints the usage and exits 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('missing command');
    expect(result.err).toContain('Usage: npm run migrate');
  });

  it('when --help is given, then it prints the usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('apply --all');
  });

  it('when the command or an option is unknown, then it exits 2', async () => {
    expect((await run(['migrate', 'catalog'])).err).toContain('unknown command migrate');
    expect((await run(['apply', 'catalog', '--force'])).code).toBe(2);
  });

  it('when the app has no prisma folder, then it says so and exits 2', async () => {
    const result = await run(['apply', 'catalog'], { DATABASE_URL: 'postgres://u@h/db' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('apps/catalog has no prisma/migrations');
  });

  it('when the app name tries to leave apps/, then it is refused', async () => {
    expect((await run(['check', '..'])).err).toContain('invalid app name ..');
  });
});

describe('CLI helpers', () => {
  it('when the app folder is kebab-case, then its URL variable is upper snake case', () => {
    expect(appUrlVariable('billing-status')).toBe('BILLING_STATUS_DATABASE_URL');
    // The workspace's billing-status declares its prefix: the CLI reads the variable the service reads.
    expect(appUrlVariable('billing-status', WORKSPACE_ROOT)).toBe('BILLING_DATABASE_URL');
    expect(appUrlVariable('catalog', WORKSPACE_ROOT)).toBe('CATALOG_DATABASE_URL');
    expect(appUrlVariable('catalog')).toBe('CATALOG_DATABASE_URL');
  });

  it('when naming a migration folder, then the timestamp is yyyyMMddHHmmss in UTC', () => {
    expect(timestamp(new Date('2025-03-04T05:06:07.890Z'))).toBe('20250304050607');
  });
});
