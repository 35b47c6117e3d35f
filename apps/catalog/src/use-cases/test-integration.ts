import type { CatalogContext } from '../context.ts';
import { findIntegrationOrThrow } from '../repositories/integration.repository.ts';
import { platformClient } from './platform-connection.ts';
import { platformFailure } from './platform-errors.ts';

/** R4 *Test*: check that the platform answers with the configured credentials. Throws when it does not. */
export async function testIntegration(ctx: CatalogContext, integrationId: string): Promise<{ readonly ok: true }> {
  const row = await findIntegrationOrThrow(ctx.db, integrationId);
  const client = platformClient(ctx, row);
  await client.test().catch((error: unknown) => {
    throw platformFailure(error);
  });
  return { ok: true };
}
