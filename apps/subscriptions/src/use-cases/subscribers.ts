import type { SubscriptionsContext } from '../context.ts';
import { subscriberNotFound } from '../domain/errors.ts';

/** Who a subscriber id NEO reports is (R13): the customer, the integration, and the customer's services as support names them. */
export interface SubscriberLookup {
  readonly subscriberId: string;
  readonly integrationId: string;
  readonly since: string;
  readonly customer: { readonly id: string; readonly name: string; readonly document: string; readonly delinquent: boolean; readonly standingReason: string | null };
  readonly services: Array<{ readonly id: string; readonly status: string; readonly login: string | null; readonly planId: string | null; readonly planName: string | null }>;
}

export async function lookupSubscriber(ctx: SubscriptionsContext, subscriberId: string): Promise<SubscriberLookup> {
  const subscriber = await ctx.db.subscriber.findUnique({ where: { subscriberId }, include: { customer: true } });
  if (!subscriber) throw subscriberNotFound(subscriberId);
  const services = await ctx.db.customerService.findMany({ where: { customerId: subscriber.customerId }, orderBy: { createdAt: 'asc' }, select: { id: true, status: true, authLogin: true, planId: true } });
  const planIds = [...new Set(services.flatMap((s) => (s.planId ? [s.planId] : [])))];
  const plans = new Map((await ctx.db.knownPlan.findMany({ where: { id: { in: planIds } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  const { customer } = subscriber;
  return {
    subscriberId,
    integrationId: subscriber.integrationId,
    since: subscriber.createdAt.toISOString(),
    customer: { id: customer.id, name: customer.name, document: customer.documentMasked, delinquent: customer.delinquent, standingReason: customer.standingReason },
    services: services.map((s) => ({ id: s.id, status: s.status, login: s.authLogin, planId: s.planId, planName: s.planId ? (plans.get(s.planId) ?? null) : null })),
  };
}
