/** One entry of `package-lock.json`'s `packages` map (lockfile v2/v3), as far as pruning cares. */
export interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  readonly peer?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [field: string]: unknown;
}

/** `package-lock.json` v2 or v3. */
export interface Lockfile {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** What {@link pruneLockfile} returns. */
export interface PrunedLockfile {
  /** The lockfile of a project whose only dependencies are the roots, at the versions locked now. */
  readonly lockfile: Lockfile;
  /** `dependencies` for that project's `package.json`: each root at its exact locked version. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Install paths kept (`node_modules/pg`, `node_modules/a/node_modules/b`, …), sorted. */
  readonly paths: readonly string[];
}

/** The lockfile does not hold what pruning needs. */
export class LockfileError extends Error {
  override readonly name = 'LockfileError';
}

/**
 * Cut a workspace's lockfile down to the packages `roots` need at run time: the roots (top-level
 * installs, e.g. `pg`), their `dependencies`, their installed `optionalDependencies` and their
 * required peers, recursively, resolved the way Node does (nearest `node_modules` upwards). Versions
 * and integrity hashes are kept as locked, so `npm ci --omit=dev` on the result installs exactly
 * what the workspace tested with, and nothing else.
 */
export function pruneLockfile(lock: Lockfile, roots: readonly string[], project: { readonly name: string; readonly version: string }): PrunedLockfile {
  if (!(lock.lockfileVersion >= 2) || typeof lock.packages !== 'object') {
    throw new LockfileError(`lockfile version ${String(lock.lockfileVersion)} has no "packages" map: run npm 7 or later`);
  }
  const packages = lock.packages;
  const dependencies: Record<string, string> = {};
  const rootPaths: string[] = [];
  for (const name of [...roots].sort()) {
    const path = `node_modules/${name}`;
    const entry = packages[path];
    if (!entry || entry.link || typeof entry.version !== 'string') {
      throw new LockfileError(`${name} is not installed at the top level of the lockfile (${path})`);
    }
    dependencies[name] = entry.version;
    rootPaths.push(path);
  }

  const required = reach(packages, rootPaths, false);
  const all = reach(packages, rootPaths, true);
  const kept: Record<string, LockEntry> = {};
  for (const path of [...all].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, extraneous: _extraneous, ...rest } = packages[path]!;
    kept[path] = required.has(path) ? rest : { ...rest, optional: true };
  }
  return {
    lockfile: {
      name: project.name,
      version: project.version,
      lockfileVersion: lock.lockfileVersion,
      requires: true,
      packages: { '': { name: project.name, version: project.version, dependencies }, ...kept },
    },
    dependencies,
    paths: Object.keys(kept),
  };
}

/** Install paths reachable from `from`: through required edges only, or through optional ones too. */
function reach(packages: Lockfile['packages'], from: readonly string[], withOptional: boolean): Set<string> {
  const seen = new Set<string>(from);
  const queue = [...from];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const entry = packages[path]!;
    for (const edge of edges(entry)) {
      if (edge.optional && !withOptional) continue;
      const target = resolve(packages, path, edge.name);
      if (target === undefined) {
        if (edge.optional) continue;
        throw new LockfileError(`${edge.name}, needed by ${path}, is not in the lockfile`);
      }
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

function edges(entry: LockEntry): Array<{ name: string; optional: boolean }> {
  const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name));
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    // npm installs required peers; optional ones only when something else brings them.
    ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)).map((name) => ({ name, optional: false })),
  ];
}

/** Where Node finds `name` from the package installed at `from`: the nearest `node_modules` upwards. */
export function resolve(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    const entry = packages[candidate];
    if (entry && !entry.link) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}
