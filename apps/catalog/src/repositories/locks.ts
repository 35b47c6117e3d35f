import type { Tx } from '../context.ts';

/**
 * Row locks that keep the catalog's cross-row rules true under concurrent writes. A writer locks
 * the row it changes `FOR UPDATE` and the rows its rules read `FOR SHARE`, always in the order
 * plan → package → integration (and by id within a table), so two writers never wait on each
 * other in a circle:
 * - a package edit shares its integrations, so a sync (which locks its integration) cannot
 *   deactivate a product the edit is granting, nor an integration edit switch on a restriction
 *   the package is about to break;
 * - a plan edit shares its packages and their integrations, for the same reasons.
 */
type Table = 'integration' | 'package' | 'plan';

/** Lock one row for a change. Returns its current version, or `null` when there is no such row. */
export async function lockForUpdate(tx: Tx, table: Table, id: string): Promise<number | null> {
  const rows = await tx.$queryRawUnsafe<{ version: number }[]>(`SELECT version FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, id);
  return rows[0]?.version ?? null;
}

/** Lock rows another write's rules depend on, so they cannot change until this transaction ends. */
export async function lockForShare(tx: Tx, table: Table, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const sorted = [...new Set(ids)].sort();
  await tx.$queryRawUnsafe(`SELECT id FROM "${table}" WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`, sorted);
}
