import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { provisionDatabase, resolveNats } from '../src/index.ts';

async function migrationsFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sva-testing-'));
  await mkdir(path.join(dir, '20260101000000_init'));
  await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  await writeFile(path.join(dir, '20260101000000_init', 'migration.sql'), 'CREATE TABLE note (id INT PRIMARY KEY, body TEXT NOT NULL);\n');
  return dir;
}

describe('test infrastructure', () => {
  it('when two callers provision a database, then each gets its own, migrated, and drop removes it', async () => {
    const migrationsDir = await migrationsFixture();
    const [a, b] = await Promise.all([provisionDatabase({ migrationsDir, label: 'a' }), provisionDatabase({ migrationsDir, label: 'b' })]);
    try {
      expect(a.url).not.toBe(b.url);
      const client = new pg.Client({ connectionString: a.url });
      await client.connect();
      await client.query("INSERT INTO note VALUES (1, 'only in a')");
      await client.end();
      const other = new pg.Client({ connectionString: b.url });
      await other.connect();
      expect((await other.query('SELECT * FROM note')).rows).toEqual([]);
      await other.end();
    } finally {
      await b.drop();
    }
    await a.drop();
    if (a.source === 'env') {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const name = new URL(a.url).pathname.slice(1);
      expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows).toEqual([]);
      await admin.end();
    }
  });

  it('when NATS is asked for twice, then each caller gets its own prefix', async () => {
    const [first, second] = await Promise.all([resolveNats(), resolveNats()]);
    expect(first.prefix).not.toBe(second.prefix);
    expect(first.prefix).toMatch(/^[a-z0-9]+\.$/);
    if (process.env.NATS_URL) expect(first).toMatchObject({ source: 'env', url: process.env.NATS_URL });
    else expect(['container', 'none']).toContain(first.source);
    await Promise.all([first.stop(), second.stop()]);
  });

  it.skipIf(!process.env.NATS_URL)('when a run on a shared NATS stops, then the streams and buckets it created are deleted', async () => {
    const nats = await resolveNats();
    const token = nats.prefix.slice(0, -1);
    const nc = await connect({ servers: process.env.NATS_URL });
    const jsm = await jetstreamManager(nc);
    // Named as the bus names a prefixed stream and KV bucket (libs/bus/src/nats.ts).
    await jsm.streams.add({ name: `${token.toUpperCase()}_LEFTOVER`, subjects: [`${nats.prefix}leftover.>`] });
    await jsm.streams.add({ name: `KV_${token}_leftover`, subjects: [`$KV.${token}_leftover.>`] });
    await nats.stop();
    const left: string[] = [];
    for await (const info of jsm.streams.list()) if (info.config.name.toLowerCase().includes(token)) left.push(info.config.name);
    await nc.close();
    expect(left).toEqual([]);
  });
});
