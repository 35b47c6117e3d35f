import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildApp, BuildError, findDatabaseVariable } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('findDatabaseVariable', () => {
  const config = (text: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sva-config-'));
    writeFileSync(path.join(dir, 'config.ts'), text);
    return { file: path.join(dir, 'config.ts'), done: () => rmSync(dir, { recursive: true, force: true }) };
  };

  it("when a config declares databaseEnv('BILLING'), then the migration entry reads BILLING_DATABASE_URL, the service's own variable", () => {
    const { file, done } = config("const Env = z.object({ ...baseEnv('BILLING', 3003), ...databaseEnv('BILLING') });");
    expect(findDatabaseVariable(file, 'billing-status')).toBe('BILLING_DATABASE_URL');
    done();
  });

  it('when a config declares no database, or two, then the build refuses to guess', () => {
    const none = config("const Env = z.object({ ...baseEnv('GATEWAY', 3004) });");
    expect(() => findDatabaseVariable(none.file, 'x')).toThrow(/names no databaseEnv/);
    none.done();
    const two = config("databaseEnv('A'); databaseEnv('B');");
    expect(() => findDatabaseVariable(two.file, 'x')).toThrow(/names several/);
    two.done();
  });

  it('when the real apps are read, then each service with migrations has its variable', () => {
    expect(findDatabaseVariable(path.join(root, 'apps/catalog/src/config.ts'), 'catalog')).toBe('CATALOG_DATABASE_URL');
    expect(findDatabaseVariable(path.join(root, 'apps/subscriptions/src/config.ts'), 'subscriptions')).toBe('SUBSCRIPTIONS_DATABASE_URL');
    expect(findDatabaseVariable(path.join(root, 'apps/billing-status/src/config.ts'), 'billing-status')).toBe('BILLING_DATABASE_URL');
  });
});

describe('buildApp', () => {
  it('when the app does not exist, then it fails with a BuildError naming it', async () => {
    await expect(buildApp({ root, app: 'no-such-app', outDir: path.join(os.tmpdir(), 'sva-never') })).rejects.toThrow(BuildError);
  });

  it('when the output folder would be the workspace or one of its parents, then it refuses to empty it', async () => {
    await expect(buildApp({ root, app: 'catalog', outDir: root })).rejects.toThrow(/refusing to empty/);
    await expect(buildApp({ root, app: 'catalog', outDir: path.dirname(root) })).rejects.toThrow(/refusing to empty/);
  });

  it('when the console is built, then the artefact holds its server, migrations, the create-admin command and the built web app', { timeout: 120_000 }, async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sva-console-'));
    try {
      const built = await buildApp({ root, app: 'console', outDir, nodeModules: 'none' });
      expect(built.entries).toEqual({ main: 'main.mjs', migrate: 'migrate.mjs', 'create-admin': 'create-admin.mjs' });
      expect(built.databaseVariable).toBe('CONSOLE_DATABASE_URL');
      expect(built.web).toBe('web');
      expect(readFileSync(path.join(outDir, 'web', 'index.html'), 'utf8')).toContain('lang="pt-BR"');
      for (const entry of Object.values(built.entries)) expect(existsSync(path.join(outDir, entry))).toBe(true);
      // The services' documents the console's role table is built from travel inside the bundle.
      expect(existsSync(path.join(outDir, 'api'))).toBe(false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
