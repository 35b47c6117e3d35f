import type { SubscriptionsContext } from '../context.ts';
import type { HistoryNames } from '../domain/history-words.ts';
import { plansOf } from './explain.ts';

/**
 * The names the history's words use, looked up as explain does: package names from the catalog
 * replica, plan names (replica, else the catalog) and logins of the customer's services.
 */
export async function historyNames(ctx: SubscriptionsContext, customerId: string, entries: ReadonlyArray<{ packageId: string | null }>): Promise<HistoryNames> {
  const packageIds = [...new Set(entries.flatMap((e) => (e.packageId ? [e.packageId] : [])))];
  const services = await ctx.db.customerService.findMany({ where: { customerId }, select: { id: true, authLogin: true, planId: true } });
  const packages = await ctx.db.knownPackage.findMany({ where: { id: { in: packageIds } }, select: { id: true, description: true } });
  const plans = await plansOf(ctx, services);
  return {
    packageNames: new Map(packages.map((p) => [p.id, p.description])),
    planNames: new Map([...plans].map(([serviceId, plan]) => [serviceId, plan.name])),
    serviceLogins: new Map(services.map((s) => [s.id, s.authLogin])),
  };
}
