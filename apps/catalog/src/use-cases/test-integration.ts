import type { CatalogContext } from '../context.ts';
import { findIntegrationOrThrow } from '../repositories/integration.repository.ts';
import { platformFailure } from './platform-errors.ts';

/** R4 *Test*: check that the platform answers with the configured credentials. Throws when it does not. */
export async function testIntegration(ctx: CatalogContext, integrationId: string): Promise<{ readonly ok: true }> {
  const row = await findIntegrationOrThrow(ctx.db, integrationId);
  const client = ctx.platform({
    baseUrl: row.platformBaseUrl,
    clientId: row.platformClientId,
    clientSecret: ctx.sealer.open(row.platformSecretSealed),
  });
  await client.test().catch((error: unknown) => {
    throw platformFailure(error);
  });
  return { ok: true };
}
