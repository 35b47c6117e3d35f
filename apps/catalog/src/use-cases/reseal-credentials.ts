import type { Logger, Worker } from '@sva/service-kit';
import type { CatalogDb } from '../context.ts';
import type { Sealer } from '../credentials.ts';

/**
 * Key rotation of the credentials key: re-seal every integration's platform secret that is not
 * sealed under the current key (`CATALOG_CREDENTIALS_KEY`), opening it with the previous ones
 * (`CATALOG_CREDENTIALS_PREVIOUS_KEYS`). Runs once at each start, in every replica: the update
 * only applies when the row still holds the value read, so replicas (and an operator editing the
 * secret meanwhile) never overwrite each other. A value no configured key opens is left as is and
 * counted. Returns what it did.
 */
export async function resealCredentials(db: CatalogDb, sealer: Sealer): Promise<{ resealed: number; unreadable: number }> {
  let resealed = 0;
  let unreadable = 0;
  const rows = await db.integration.findMany({ select: { id: true, platformSecretSealed: true } });
  for (const row of rows) {
    if (!sealer.needsReseal(row.platformSecretSealed)) continue;
    let plaintext: string;
    try {
      plaintext = sealer.open(row.platformSecretSealed);
    } catch {
      unreadable += 1;
      continue;
    }
    const { count } = await db.integration.updateMany({
      where: { id: row.id, platformSecretSealed: row.platformSecretSealed },
      data: { platformSecretSealed: sealer.seal(plaintext) },
    });
    resealed += count;
  }
  return { resealed, unreadable };
}

/** The start-time worker around {@link resealCredentials}; logs what it did (never a secret). */
export function resealCredentialsWorker(db: CatalogDb, sealer: Sealer, logger: Logger): Worker {
  return {
    name: 'reseal-credentials',
    async start() {
      const { resealed, unreadable } = await resealCredentials(db, sealer);
      if (resealed > 0) logger.info({ resealed }, 'platform credentials re-sealed under the current key');
      if (unreadable > 0) logger.warn({ unreadable }, 'platform credentials no configured CATALOG_CREDENTIALS_KEY opens; set platform.clientSecret again');
    },
    async stop() {},
  };
}
