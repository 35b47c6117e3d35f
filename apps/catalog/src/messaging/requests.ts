import {
  GetIntegrationRequestV1,
  GetPackageRequestV1,
  GetPlanRequestV1,
  subjects,
  type GetIntegrationReplyV1,
  type GetPackageReplyV1,
  type GetPlanReplyV1,
} from '@sva/contracts';
import type { Bus, Subscription } from '@sva/bus';
import { serveRequests, type Worker } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { toIntegrationChanged } from '../domain/integration.ts';
import { toIntegration } from '../repositories/integration.repository.ts';
import { findPackage, toPackageV1 } from '../repositories/package.repository.ts';
import { findPlan, toPlanV1 } from '../repositories/plan.repository.ts';

/**
 * The catalog's read API on the bus: other services ask for a package (with its products), a plan
 * (with its packages, R6) or an integration by id; the answer is `null` when there is none.
 */
export function catalogResponders(bus: Bus, ctx: CatalogContext): Worker {
  let subscriptions: Subscription[] = [];
  return {
    name: 'catalog-responders',
    async start() {
      subscriptions = await Promise.all([
        serveRequests(bus, subjects.rpc.catalogGetPackage, GetPackageRequestV1, async (request): Promise<GetPackageReplyV1> => {
          const pkg = await findPackage(ctx.db, request.packageId);
          return { package: pkg ? toPackageV1(pkg) : null };
        }),
        serveRequests(bus, subjects.rpc.catalogGetPlan, GetPlanRequestV1, async (request): Promise<GetPlanReplyV1> => {
          const plan = await findPlan(ctx.db, request.planId);
          return { plan: plan ? toPlanV1(plan) : null };
        }),
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
