import { GetIntegrationRequestV1, GetPackageRequestV1, subjects, type GetIntegrationReplyV1, type GetPackageReplyV1 } from '@sva/contracts';
import type { Bus, Subscription } from '@sva/bus';
import { serveRequests } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { toIntegration, } from '../repositories/integration.repository.ts';
import { toIntegrationChanged } from '../domain/integration.ts';
import { findPackage } from '../use-cases/packages.ts';

/** The catalog's read API on the bus: other services ask for a package or an integration by id. */
export function catalogResponders(bus: Bus, ctx: CatalogContext) {
  let subscriptions: Subscription[] = [];
  return {
    name: 'catalog-responders',
    async start() {
      subscriptions = await Promise.all([
        serveRequests(bus, subjects.rpc.catalogGetPackage, GetPackageRequestV1, async (request): Promise<GetPackageReplyV1> => ({
          package: await findPackage(ctx.db, request.packageId),
        })),
        serveRequests(bus, subjects.rpc.catalogGetIntegration, GetIntegrationRequestV1, async (request): Promise<GetIntegrationReplyV1> => {
          const row = await ctx.db.integration.findUnique({ where: { id: request.integrationId } });
          return { integration: row ? toIntegrationChanged(toIntegration(row), row.updatedAt) : null };
        }),
      ]);
    },
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
