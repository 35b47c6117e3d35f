import { describe, expect, it } from 'vitest';
import { type Lockfile, LockfileError, pruneLockfile } from '../src/index.ts';

/** A workspace lockfile: app code needs `pg`; the rest is tooling, nested copies and links. */
const lock: Lockfile = {
  name: 'workspace',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'workspace', devDependencies: { vitest: '^4' } },
    'node_modules/@sva/db': { resolved: 'libs/db', link: true },
    'libs/db': { name: '@sva/db', dependencies: { pg: '^8' } },
    'node_modules/pg': { version: '8.1.0', integrity: 'sha512-pg', dependencies: { 'pg-pool': '^3', 'pg-types': '2.2.0' }, optionalDependencies: { 'pg-cloudflare': '^1' }, peerDependencies: { 'pg-native': '>=3' }, peerDependenciesMeta: { 'pg-native': { optional: true } } },
    'node_modules/pg-pool': { version: '3.1.0', integrity: 'sha512-pool', peerDependencies: { pg: '>=8' } },
    'node_modules/pg-cloudflare': { version: '1.0.0', optional: true },
    'node_modules/pg-types': { version: '4.0.0', dev: true },
    // pg wants pg-types 2.2.0: its own nested copy wins over the top-level 4.0.0.
    'node_modules/pg/node_modules/pg-types': { version: '2.2.0', integrity: 'sha512-types', dependencies: { 'postgres-array': '~2' } },
    'node_modules/postgres-array': { version: '2.0.0', devOptional: true },
    'node_modules/vitest': { version: '4.1.0', dev: true, dependencies: { vite: '^8' } },
    'node_modules/vite': { version: '8.0.0', dev: true },
  },
};

describe('pruneLockfile', () => {
  it('when pruned to pg, then it keeps pg and what pg needs, resolved as Node does, and nothing of the tooling', () => {
    const pruned = pruneLockfile(lock, ['pg'], { name: '@sva/catalog', version: '1.0.0' });
    expect(pruned.dependencies).toEqual({ pg: '8.1.0' });
    expect(pruned.paths).toEqual([
      'node_modules/pg',
      'node_modules/pg-cloudflare',
      'node_modules/pg-pool',
      'node_modules/pg/node_modules/pg-types',
      'node_modules/postgres-array',
    ]);
    expect(pruned.lockfile.packages['']).toEqual({ name: '@sva/catalog', version: '1.0.0', dependencies: { pg: '8.1.0' } });
  });

  it('when an entry was marked dev in the workspace, then the pruned lockfile marks it as a runtime package; optional ones stay optional', () => {
    const { packages } = pruneLockfile(lock, ['pg'], { name: 'app', version: '1.0.0' }).lockfile;
    expect(packages['node_modules/postgres-array']).toEqual({ version: '2.0.0' });
    expect(packages['node_modules/pg-cloudflare']).toEqual({ version: '1.0.0', optional: true });
    expect(Object.values(packages).some((entry) => entry.dev || entry.devOptional || entry.peer)).toBe(false);
    expect(packages['node_modules/pg/node_modules/pg-types']).toMatchObject({ version: '2.2.0', integrity: 'sha512-types' });
  });

  it('when nothing is asked for, then the lockfile holds only the project', () => {
    const pruned = pruneLockfile(lock, [], { name: 'gateway', version: '1.0.0' });
    expect(pruned.lockfile.packages).toEqual({ '': { name: 'gateway', version: '1.0.0', dependencies: {} } });
  });

  it('when a root is not installed at the top level, or a required dependency is missing, then pruning refuses', () => {
    expect(() => pruneLockfile(lock, ['left-pad'], { name: 'x', version: '1' })).toThrow(LockfileError);
    expect(() => pruneLockfile(lock, ['@sva/db'], { name: 'x', version: '1' })).toThrow(/not installed at the top level/);
    const broken: Lockfile = { ...lock, packages: { ...lock.packages, 'node_modules/pg-pool': { version: '3.1.0', dependencies: { 'gone': '^1' } } } };
    expect(() => pruneLockfile(broken, ['pg'], { name: 'x', version: '1' })).toThrow('gone, needed by node_modules/pg-pool, is not in the lockfile');
  });

  it('when the lockfile is version 1, then pruning refuses it', () => {
    expect(() => pruneLockfile({ lockfileVersion: 1, packages: undefined as never }, ['pg'], { name: 'x', version: '1' })).toThrow(/npm 7 or later/);
  });
});
