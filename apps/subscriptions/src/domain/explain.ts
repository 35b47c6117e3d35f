import type { GrantState } from '@sva/contracts';
import { calendarDate } from './calendar.ts';
import { computeEntitlement, effectiveStatus, grantState, type CustomerSnapshot, type IntegrationTerms } from './entitlement.ts';
import type { LoginHasher } from './login-keys.ts';
import { checkPlanAllowsPackage, checkSinglePackage, type HeldForSinglePackage, type PlanTerms } from './plan.ts';
import { reasonForState, type AuthoriseReason } from './reasons.ts';

/** An integration as explain needs it. */
export interface ExplainIntegration extends IntegrationTerms {
  /** R1: an inactive integration authorises nobody. */
  readonly active: boolean;
  readonly singlePackage: boolean;
}

/** A catalog package that grants the product on the integration (what the customer could get). */
export interface Offer {
  readonly packageId: string;
  readonly description: string;
  readonly active: boolean;
}

/** Everything the explanation is built from; the use case loads it, nothing here does I/O. */
export interface ExplainInput {
  readonly product: string;
  readonly integration: ExplainIntegration;
  /** R13: the customer's subscriber id on the integration, `null` when it never had one. */
  readonly subscriberId: string | null;
  /** The customer seen from this integration: held packages reduced to the products they grant there. */
  readonly customer: CustomerSnapshot;
  /** billing-status's words for why the customer is delinquent. */
  readonly delinquencyReason: string | null;
  /** Package descriptions by id (held packages and offers). */
  readonly packageNames: ReadonlyMap<string, string>;
  /** Network login of each service, to name services as operators know them. */
  readonly serviceLogins: ReadonlyMap<string, string | null>;
  /** The plan of each service that has one. */
  readonly plans: ReadonlyMap<string, PlanTerms>;
  /** Catalog packages granting the product on this integration. */
  readonly offers: readonly Offer[];
  /** What the customer holds now, for R10 (single package). */
  readonly heldForSinglePackage: readonly HeldForSinglePackage[];
  /** The record the gateway's view was last fed: its version and the product's state there. */
  readonly published: { readonly version: number; readonly state: GrantState | null } | null;
  readonly hasher: LoginHasher;
  readonly now: Date;
  readonly timeZone: string;
  /** The language of the words (the console's): English by default, or Brazilian Portuguese. Reason codes stay the same. */
  readonly lang?: ExplainLanguage;
}

export type ExplainLanguage = 'en' | 'pt-BR';

/** Allowed or not, the gateway's reason code, and why in words a support agent understands. */
export interface Explanation {
  readonly integrationId: string;
  readonly subscriberId: string | null;
  readonly product: string;
  readonly allowed: boolean;
  /** The reason code the gateway answers NEO with for the same state. */
  readonly reason: AuthoriseReason;
  /** One sentence: the decisive fact. */
  readonly summary: string;
  /** Supporting facts: every holding of the product, what could grant it, what the gateway has. */
  readonly details: string[];
  /** What the gateway's view was last fed for this customer, when anything. */
  readonly gatewayView: { readonly version: number; readonly reason: AuthoriseReason } | null;
}

/**
 * R15 (with R1, R8, R10, R11, R12, R13, R17) in words: may this customer use `product` on this
 * integration now, and why. The decision itself is `computeEntitlement`'s — the function the
 * published entitlement records come from — so the answer here and the gateway's reason code
 * cannot drift apart.
 */
export function explainProduct(input: ExplainInput): Explanation {
  const { product, integration, customer } = input;
  const ids = { integrationId: integration.id, subscriberId: input.subscriberId, product };
  const gatewayView = input.published ? { version: input.published.version, reason: input.published.state ? reasonForState[input.published.state] : 'not_subscribed' as const } : null;
  const lang = input.lang ?? 'en';
  const w = lang === 'pt-BR' ? pt : en;
  const date = (at: Date) => {
    const day = calendarDate(at, input.timeZone);
    return lang === 'pt-BR' ? day.split('-').reverse().join('/') : day;
  };
  // Things are named as a person knows them: the package's and the plan's names, the network login.
  const pkg = (id: string) => {
    const name = input.packageNames.get(id);
    return name ? w.pkg(name) : w.pkg(id);
  };
  const svc = (id: string) => w.svc(input.plans.get(id)?.name ?? null, input.serviceLogins.get(id) ?? null, id);

  const decision = computeEntitlement(customer, integration, input.hasher, input.now).decisions.find((d) => d.product === product);
  const details: string[] = [];

  // Every holding of the product, best first as R15 ranks them.
  for (const service of customer.services) {
    const status = effectiveStatus(service.status, customer.delinquent, integration);
    for (const held of service.packages) {
      if (!held.products.includes(product)) continue;
      const state = grantState(status, held, integration, input.now);
      details.push(w.holding(svc(service.id), w.status[service.status], pkg(held.packageId), held.detachedAt ? date(held.detachedAt) : null, w.state[state]));
    }
  }

  let reason: AuthoriseReason;
  let summary: string;
  if (!input.subscriberId) {
    reason = 'unknown_subscriber';
    summary = w.unknownSubscriber(integration.id);
    details.push(...offerDetails(input, pkg, svc));
  } else if (!decision) {
    reason = 'not_subscribed';
    const offers = offerDetails(input, pkg, svc);
    summary = w.notSubscribed(product, integration.id, offers[0] ?? null);
    details.push(...offers);
  } else {
    reason = reasonForState[decision.state];
    const where = `${svc(decision.serviceId)}`;
    switch (decision.state) {
      case 'active':
        summary = w.active(where, w.status[decision.serviceStatus], pkg(decision.packageId), product, decision.trialEndsAt ? date(decision.trialEndsAt) : null);
        if (!integration.syncSubscriptionStatus && decision.serviceStatus !== 'enabled') details.push(w.noStatusSync(integration.id));
        break;
      case 'suspended_debt':
        summary = decision.suspendedForDelinquency ? w.delinquent(where, input.delinquencyReason, integration.id) : w.suspendedDebt(where);
        break;
      case 'suspended_request':
        summary = w.suspendedRequest(where);
        break;
      case 'pending_installation':
        summary = w.pending(where, product);
        break;
      case 'trial_ended':
        summary = w.trialEnded(pkg(decision.packageId), where, date(decision.trialEndsAt ?? decision.detachedAt ?? input.now));
        break;
      case 'cancelled':
        summary = decision.detachedAt ? w.detached(pkg(decision.packageId), where, date(decision.detachedAt)) : w.cancelled(where);
        break;
    }
    if (decision.state !== 'active') details.push(...offerDetails(input, pkg, svc));
  }

  let allowed = reason === 'subscribed';
  if (!integration.active) {
    details.unshift(w.wereActive(summary));
    summary = w.inactive(integration.id);
    reason = 'integration_inactive';
    allowed = false;
  }
  if (gatewayView && gatewayView.reason !== reason && reason !== 'integration_inactive') {
    details.push(w.gatewayBehind(gatewayView.version, gatewayView.reason));
  }
  return { ...ids, allowed, reason, summary, details, gatewayView };
}

/** What could grant the product: each catalog package, and whether R5/R8/R10 let the customer have it. */
function offerDetails(input: ExplainInput, pkg: (id: string) => string, svc: (id: string) => string): string[] {
  // (English only so far.)
  const live = input.customer.services.filter((service) => service.status !== 'cancelled');
  return input.offers.map((offer) => {
    const name = `${pkg(offer.packageId)} grants ${input.product}`;
    if (!offer.active) return `${name} but is inactive in the catalog (R5)`;
    if (input.integration.singlePackage) {
      const single = checkSinglePackage(new Set([input.integration.id]), input.heldForSinglePackage, {
        packageId: offer.packageId,
        description: offer.description,
        integrationIds: [input.integration.id],
      });
      if (single) return `${name}, but ${single.message} (R10)`;
    }
    if (live.length === 0) return `${name}; the customer has no service it could be attached to`;
    const refusals = live.map((service) => ({ service, refusal: checkPlanAllowsPackage(input.plans.get(service.id) ?? null, { id: offer.packageId, description: offer.description }) }));
    const open = refusals.filter((r) => !r.refusal);
    if (open.length > 0) return `${name} and can be attached to ${open.map((r) => svc(r.service.id)).join(', ')}`;
    return `${name}, but ${refusals.map((r) => `${r.refusal!.message} (${svc(r.service.id)}, R8)`).join('; ')}`;
  });
}

export const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const en = {
  pkg: (name: string) => `package "${name}"`,
  svc: (plan: string | null, login: string | null, id: string) =>
    plan ? `the service "${plan}"${login ? ` (login ${login})` : ''}` : login ? `the service with login ${login}` : `service ${id}`,
  holding: (svc: string, status: string, pkg: string, detachedOn: string | null, state: string) => `${svc} (${status}) holds ${pkg}${detachedOn ? `, detached on ${detachedOn}` : ''}: ${state}`,
  unknownSubscriber: (integration: string) => `the customer has never held a package of integration ${integration}, so it has no subscriber id there (R13) and NEO cannot identify them`,
  notSubscribed: (product: string, integration: string, offer: string | null) =>
    `no package the customer holds or held grants ${product} on integration ${integration}; ${offer ?? 'no package in the catalog grants it'}`,
  active: (svc: string, status: string, pkg: string, product: string, trialUntil: string | null) => `allowed: ${svc} is ${status} and holds ${pkg}, which grants ${product}${trialUntil ? ` (trial until ${trialUntil})` : ''}`,
  noStatusSync: (integration: string) => `integration ${integration} does not sync subscription status, so any service that is not cancelled counts (R15)`,
  delinquent: (svc: string, why: string | null, integration: string) => `${svc} is suspended for debt: the customer is delinquent${why ? ` (${why})` : ''} and integration ${integration} syncs subscription status (R17)`,
  suspendedDebt: (svc: string) => `${svc} is suspended for debt`,
  suspendedRequest: (svc: string) => `${svc} is suspended at the customer's request`,
  pending: (svc: string, product: string) => `${svc} is awaiting installation; ${product} is granted once the service is enabled (R12)`,
  trialEnded: (pkg: string, svc: string, on: string) => `the trial of ${pkg} on ${svc} ended on ${on} (R11)`,
  detached: (pkg: string, svc: string, on: string) => `${pkg} was detached from ${svc} on ${on} (R12)`,
  cancelled: (svc: string) => `${svc} is cancelled (R12)`,
  wereActive: (summary: string) => `were the integration active: ${summary}`,
  inactive: (integration: string) => `integration ${integration} is inactive: it authorises nobody (R1)`,
  gatewayBehind: (version: number, reason: string) => `the gateway's view (record version ${version}) still answers ${reason}; it follows as soon as the pending change is published`,
  status: {
    awaiting_installation: 'awaiting installation',
    enabled: 'enabled',
    suspended_debt: 'suspended for debt',
    suspended_request: 'suspended on request',
    cancelled: 'cancelled',
  },
  state: {
    active: 'grants it',
    suspended_debt: 'suspended for debt',
    suspended_request: 'suspended on request',
    pending_installation: 'waiting for installation',
    trial_ended: 'trial ended',
    cancelled: 'no longer grants it',
  },
};

const pt: typeof en = {
  pkg: (name) => `o pacote "${name}"`,
  svc: (plan, login, id) => (plan ? `o serviço "${plan}"${login ? ` (login ${login})` : ''}` : login ? `o serviço de login ${login}` : `o serviço ${id}`),
  holding: (svc, status, pkg, detachedOn, state) => `${capitalise(svc)} (${status}) tem ${pkg}${detachedOn ? `, retirado em ${detachedOn}` : ''}: ${state}`,
  unknownSubscriber: (integration) => `o cliente nunca teve um pacote da integração ${integration}, então não tem subscriber id nela (R13) e a NEO não consegue identificá-lo`,
  notSubscribed: (product, integration, offer) => `nenhum pacote que o cliente tem ou teve dá ${product} na integração ${integration}; ${offer ?? 'nenhum pacote do catálogo dá esse produto'}`,
  active: (svc, status, pkg, product, trialUntil) => `liberado: ${svc} está ${status} e tem ${pkg}, que dá ${product}${trialUntil ? ` (degustação até ${trialUntil})` : ''}`,
  noStatusSync: (integration) => `a integração ${integration} não sincroniza o status da assinatura, então vale qualquer serviço não cancelado (R15)`,
  delinquent: (svc, why, integration) => `${svc} está suspenso por débito: o cliente está inadimplente${why ? ` (${why})` : ''} e a integração ${integration} sincroniza o status da assinatura (R17)`,
  suspendedDebt: (svc) => `${svc} está suspenso por débito`,
  suspendedRequest: (svc) => `${svc} está suspenso a pedido do cliente`,
  pending: (svc, product) => `${svc} aguarda instalação; ${product} é liberado quando o serviço for habilitado (R12)`,
  trialEnded: (pkg, svc, on) => `a degustação d${pkg} n${svc} terminou em ${on} (R11)`,
  detached: (pkg, svc, on) => `${pkg} foi retirado d${svc} em ${on} (R12)`,
  cancelled: (svc) => `${svc} está cancelado (R12)`,
  wereActive: (summary) => `se a integração estivesse ativa: ${summary}`,
  inactive: (integration) => `a integração ${integration} está inativa: não libera ninguém (R1)`,
  gatewayBehind: (version, reason) => `a visão do gateway (versão ${version} do registro) ainda responde ${reason}; ela acompanha assim que a mudança pendente for publicada`,
  status: {
    awaiting_installation: 'aguardando instalação',
    enabled: 'habilitado',
    suspended_debt: 'suspenso por débito',
    suspended_request: 'suspenso a pedido',
    cancelled: 'cancelado',
  },
  state: {
    active: 'dá acesso',
    suspended_debt: 'suspenso por débito',
    suspended_request: 'suspenso a pedido',
    pending_installation: 'aguardando instalação',
    trial_ended: 'degustação terminada',
    cancelled: 'não dá mais acesso',
  },
};

/** The words explain names things with (package, service by plan and login, status), for the history's words too. */
export function namingWords(lang: ExplainLanguage): Pick<typeof en, 'pkg' | 'svc' | 'status'> {
  return lang === 'pt-BR' ? pt : en;
}
