import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/embedded.ts';
import { applyMigrations } from '../src/migrate.ts';
import { createPrismaClient } from '../src/prisma.ts';
import { FIXTURE_DIR, FIXTURE_MIGRATIONS, FIXTURE_SCHEMA, NEEDS_SERVER, SERVER_URL, WORKSPACE_ROOT, createTempDatabase } from './helpers.ts';

/** The slice of the fixture's generated client these tests use (it is generated in beforeAll, so not imported statically). */
interface Widget {
  id: string;
  name: string;
  color: 'RED' | 'GREEN' | 'BLUE';
  size: number;
  createdAt: Date;
}
interface FixtureClient {
  widget: {
    create(args: { data: { name: string; color?: Widget['color']; size?: number } }): Promise<Widget>;
    findUnique(args: { where: { id: string } }): Promise<Widget | null>;
  };
  $disconnect(): Promise<void>;
}
type FixtureClientClass = new (options: { adapter: PrismaPg }) => FixtureClient;

let PrismaClient: FixtureClientClass;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [path.join(WORKSPACE_ROOT, 'tools/scripts/prisma-generate.mjs'), FIXTURE_SCHEMA]);
  const clientModule = pathToFileURL(path.join(FIXTURE_DIR, 'generated/prisma/client.ts')).href;
  ({ PrismaClient } = (await import(/* @vite-ignore */ clientModule)) as { PrismaClient: FixtureClientClass });
});

async function roundTrip(url: string, poolMax: number | undefined): Promise<void> {
  const prisma = createPrismaClient(PrismaClient, { url, ...(poolMax === undefined ? {} : { poolMax }) });
  try {
    const created = await prisma.widget.create({ data: { name: 'router', color: 'GREEN', size: 3 } });
    const found = await prisma.widget.findUnique({ where: { id: created.id } });
    expect(found).toEqual(created);
    expect(found).toMatchObject({ name: 'router', color: 'GREEN', size: 3 });
    expect(found?.createdAt).toBeInstanceOf(Date);
  } finally {
    await prisma.$disconnect();
  }
}

describe('createPrismaClient', () => {
  describe.skipIf(!SERVER_URL)('on PostgreSQL' + NEEDS_SERVER, () => {
    let db: Awaited<ReturnType<typeof createTempDatabase>>;
    beforeAll(async () => {
      db = await createTempDatabase('prisma');
      await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS });
    });
    afterAll(() => db.drop());

    it('when a widget is created, then it reads back identical', async () => {
      await roundTrip(db.url, undefined);
    });
  });

  describe('on embedded PGlite', () => {
    let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    beforeAll(async () => {
      server = await startEmbeddedPostgres();
      await applyMigrations({ url: server.url, migrationsDir: FIXTURE_MIGRATIONS });
    });
    afterAll(() => server.stop());

    it('when a widget is created with a pool of one, then it reads back identical', async () => {
      await roundTrip(server.url, server.poolMax);
    });
  });
});
