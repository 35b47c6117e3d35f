import { EntitlementV1, type GrantState } from '@sva/contracts';
import { isDomainError } from '@sva/kernel';
import { answerLanguage } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { customerNotFound, integrationNotFound, subscriberNotFound } from '../domain/errors.ts';
import { explainProduct, type ExplainIntegration, type ExplainLanguage, type Explanation, type Offer } from '../domain/explain.ts';
import type { PlanTerms } from '../domain/plan.ts';
import { grantsOf, planTermsOf } from '../repositories/catalog-replica.ts';
import { forIntegration, loadCustomerState } from '../repositories/entitlements.ts';
import { heldForSinglePackage } from '../repositories/holdings.ts';

/** The answer of the support "explain" view. */
export interface ProductExplanation {
  readonly customerId: string;
  readonly product: string;
  /** Allowed on at least one integration. */
  readonly allowed: boolean;
  readonly summary: string;
  /** One answer per integration the customer is known on or that has a package granting the product. */
  readonly answers: Explanation[];
}

/**
 * R15 for support: may this customer use `product` now, and why — per integration, in words, with
 * the gateway's reason code. Built on `computeEntitlement`, the function the published records
 * come from (see `domain/explain.ts`). Reads the catalog replica only, so it answers while the
 * catalog is down.
 */
export async function explainForCustomer(ctx: SubscriptionsContext, customerId: string, product: string, onlyIntegration?: string, lang: ExplainLanguage = 'en'): Promise<ProductExplanation> {
  const state = await loadCustomerState(ctx.db, customerId);
  if (!state) throw customerNotFound(customerId);
  if (onlyIntegration && !(await ctx.db.knownIntegration.findUnique({ where: { id: onlyIntegration } }))) throw integrationNotFound(onlyIntegration);

  // Catalog packages granting the product (jsonb containment: some grant lists the code).
  const offering = await ctx.db.$queryRaw<Array<{ id: string; description: string; active: boolean; grants: unknown }>>`
    SELECT id::text, description, active, grants FROM known_package WHERE grants @> ${JSON.stringify([{ productCodes: [product] }])}::jsonb`;
  const integrationIds = new Set(state.subscribers.map((s) => s.integrationId));
  for (const pkg of offering) for (const grant of grantsOf(pkg)) if (grant.productCodes.includes(product)) integrationIds.add(grant.integrationId);
  if (onlyIntegration) for (const id of [...integrationIds]) if (id !== onlyIntegration) integrationIds.delete(id);
  if (onlyIntegration) integrationIds.add(onlyIntegration);

  const integrations = await ctx.db.knownIntegration.findMany({ where: { id: { in: [...integrationIds] } }, orderBy: { id: 'asc' } });
  const services = await ctx.db.customerService.findMany({ where: { customerId }, select: { id: true, authLogin: true, planId: true } });
  const heldIds = [...new Set([...state.held.values()].map((h) => h.packageId))];
  const names = new Map((await ctx.db.knownPackage.findMany({ where: { id: { in: heldIds } }, select: { id: true, description: true } })).map((p) => [p.id, p.description]));
  for (const pkg of offering) names.set(pkg.id, pkg.description);
  const plans = await plansOf(ctx, services);
  const held = await heldForSinglePackage(ctx.db, customerId);
  const customer = await ctx.db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { standingReason: true } });
  const records = new Map(
    (await ctx.db.entitlement.findMany({ where: { customerId }, select: { integrationId: true, record: true } })).map((row) => [row.integrationId, EntitlementV1.parse(row.record)]),
  );
  const now = ctx.clock.now();

  const answers = integrations.map((row) => {
    const integration: ExplainIntegration = {
      id: row.id,
      loginField: row.loginField as ExplainIntegration['loginField'],
      syncSubscriptionStatus: row.syncSubscriptionStatus,
      active: row.active,
      singlePackage: row.singlePackage,
    };
    const subscriber = state.subscribers.find((s) => s.integrationId === row.id);
    const offers: Offer[] = offering
      .filter((pkg) => grantsOf(pkg).some((g) => g.integrationId === row.id && g.productCodes.includes(product)))
      .map((pkg) => ({ packageId: pkg.id, description: pkg.description, active: pkg.active }));
    const record = records.get(row.id);
    const published = record ? { version: record.version, state: (record.grants.find((g) => g.product === product)?.state ?? null) as GrantState | null } : null;
    return explainProduct({
      product,
      integration,
      subscriberId: subscriber?.subscriberId ?? null,
      customer: forIntegration(state, row.id),
      delinquencyReason: customer.standingReason,
      packageNames: names,
      serviceLogins: new Map(services.map((s) => [s.id, s.authLogin])),
      plans,
      offers,
      heldForSinglePackage: held,
      published,
      hasher: ctx.hasher,
      now,
      timeZone: ctx.timeZone,
      lang,
    });
  });
  // The summary comes from the answer that matters most: allowed, else one where the customer holds or held the product.
  const decisive = answers.find((a) => a.allowed) ?? answers.find((a) => a.reason !== 'not_subscribed' && a.reason !== 'unknown_subscriber') ?? answers[0];
  return {
    customerId,
    product,
    allowed: answers.some((a) => a.allowed),
    summary:
      decisive?.summary ??
      (lang === 'pt-BR' ? `nenhum pacote do catálogo dá ${product}, e o cliente não tem nenhum que dê` : `no package in the catalog grants ${product}, and the customer holds none that does`),
    answers,
  };
}

/** The same, for the subscriber id NEO knows (R13): answers for its integration. */
export async function explainForSubscriber(ctx: SubscriptionsContext, subscriberId: string, product: string, lang: ExplainLanguage = 'en'): Promise<ProductExplanation> {
  const subscriber = await ctx.db.subscriber.findUnique({ where: { subscriberId } });
  if (!subscriber) throw subscriberNotFound(subscriberId);
  return explainForCustomer(ctx, subscriber.customerId, product, subscriber.integrationId, lang);
}

/** The language asked for: `lang` when given, else Portuguese when `Accept-Language` prefers it, else English. */
export function explainLanguage(lang: ExplainLanguage | undefined, acceptLanguage: string | undefined): ExplainLanguage {
  return lang ?? answerLanguage(acceptLanguage);
}

/** The plans of the customer's services: replica first, the catalog when missing (ignored when it does not answer). */
export async function plansOf(ctx: SubscriptionsContext, services: ReadonlyArray<{ id: string; planId: string | null }>): Promise<Map<string, PlanTerms>> {
  const planIds = [...new Set(services.flatMap((s) => (s.planId ? [s.planId] : [])))];
  const kept = new Map((await ctx.db.knownPlan.findMany({ where: { id: { in: planIds } } })).map((row) => [row.id, planTermsOf(row)]));
  for (const id of planIds) {
    if (kept.has(id)) continue;
    try {
      const plan = await ctx.catalog.getPlan(id);
      if (plan) kept.set(id, plan);
    } catch (error) {
      if (!isDomainError(error) || !error.retryable) throw error;
    }
  }
  const byService = new Map<string, PlanTerms>();
  for (const service of services) {
    const plan = service.planId ? kept.get(service.planId) : undefined;
    if (plan) byService.set(service.id, plan);
  }
  return byService;
}
