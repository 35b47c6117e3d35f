export { findDatabaseVariable } from '@sva/db';
export { buildApp, BuildError, runtimeExternals, devOnlyExternals, type BuildAppOptions, type BuiltApp } from './build-app.ts';
export { pruneLockfile, LockfileError, type Lockfile, type LockEntry, type PrunedLockfile } from './prune-lockfile.ts';
