import type { CatalogContext } from '../context.ts';
import { credentialsUnreadable } from '../domain/errors.ts';
import type { IntegrationRow } from '../repositories/integration.repository.ts';
import type { ContentPlatformClient } from '../platform/content-platform.ts';

/** A client for the integration's platform, with its sealed secret opened (never logged, never returned). */
export function platformClient(ctx: CatalogContext, row: IntegrationRow): ContentPlatformClient {
  let clientSecret: string;
  try {
    clientSecret = ctx.sealer.open(row.platformSecretSealed);
  } catch (error) {
    throw credentialsUnreadable(error);
  }
  return ctx.platform({ baseUrl: row.platformBaseUrl, clientId: row.platformClientId, clientSecret });
}
