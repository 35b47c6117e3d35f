import { capitalise, namingWords, type ExplainLanguage } from './explain.ts';
import type { HistoryAction } from './history.ts';
import { systemActors } from './history.ts';

/** A history entry as stored: the stable codes and values the words are made from. */
export interface HistoryFacts {
  readonly action: HistoryAction;
  readonly actor: string;
  readonly serviceId: string | null;
  readonly packageId: string | null;
  readonly oldPriceCents: number | null;
  readonly newPriceCents: number | null;
  readonly oldStatus: string | null;
  readonly newStatus: string | null;
  readonly reason: string | null;
}

/** The names a person knows, looked up the way explain does: package names, plan names and logins by service id. */
export interface HistoryNames {
  readonly packageNames: ReadonlyMap<string, string>;
  readonly planNames: ReadonlyMap<string, string>;
  readonly serviceLogins: ReadonlyMap<string, string | null>;
}

/** Who acted, in words: the operator's name as given, or what the system did. */
export function historyWho(actor: string, lang: ExplainLanguage): string {
  const words = lang === 'pt-BR' ? ptActors : enActors;
  return words[actor] ?? actor;
}

/**
 * One history entry in words, with the names a person knows (plan, login, package) and the old and
 * new values; the action code and the raw fields stay beside it in the answer.
 */
export function historyText(entry: HistoryFacts, names: HistoryNames, lang: ExplainLanguage): string {
  const n = namingWords(lang);
  const w = lang === 'pt-BR' ? pt : en;
  const pkg = entry.packageId ? n.pkg(names.packageNames.get(entry.packageId) ?? entry.packageId) : w.aPackage;
  const svc = entry.serviceId ? n.svc(names.planNames.get(entry.serviceId) ?? null, names.serviceLogins.get(entry.serviceId) ?? null, entry.serviceId) : w.aService;
  const status = (code: string | null) => (code ? ((n.status as Record<string, string>)[code] ?? code) : '—');
  const price = (cents: number | null) => (cents === null ? w.noPrice : money(cents, lang));
  // An operator's reason is their own words; the reasons the service writes itself are technical and stay in `reason`.
  const why = entry.reason && operatorReasons.has(entry.action) && !systemReasons.has(entry.reason) && !entry.actor.startsWith('system:') ? w.because(entry.reason) : '';
  const text = (() => {
    switch (entry.action) {
      case 'customer_created':
        return w.customerCreated;
      case 'service_created':
        return w.serviceCreated(svc, status(entry.newStatus));
      case 'status_changed':
        return w.statusChanged(svc, status(entry.oldStatus), status(entry.newStatus));
      case 'package_attached':
        return w.attached(pkg, svc, entry.newPriceCents === null ? null : price(entry.newPriceCents));
      case 'package_detached':
        return w.detached(pkg, svc);
      case 'price_changed':
        return w.priceChanged(pkg, svc, price(entry.oldPriceCents), price(entry.newPriceCents));
      case 'trial_exclusion_queued':
        return w.trialEnded(pkg, svc);
      case 'trial_platform_closed':
        return w.trialClosed(pkg, svc);
      case 'standing_changed':
        return entry.newStatus === 'delinquent' ? w.delinquent(entry.reason) : w.goodStanding(entry.reason);
    }
  })();
  return capitalise(`${text}${why}`);
}

/** Actions whose `reason` an operator gives (`reason` of the request), unless it is one the service writes by default. */
const operatorReasons = new Set<HistoryAction>(['status_changed', 'package_detached', 'price_changed']);
const systemReasons = new Set(['price set for this customer', 'back to the catalog price']);

/** Cents as a person reads a price: "R$ 49,90" in Portuguese, "R$49.90" in English. */
function money(cents: number, lang: ExplainLanguage): string {
  return new Intl.NumberFormat(lang === 'pt-BR' ? 'pt-BR' : 'en-US', { style: 'currency', currency: 'BRL' }).format(cents / 100).replace(/\u00a0/g, ' ');
}

const en = {
  aPackage: 'a package',
  aService: 'a service',
  noPrice: 'the catalog price',
  because: (reason: string) => ` — reason: ${reason}`,
  customerCreated: 'customer registered',
  serviceCreated: (svc: string, status: string) => `${svc} was created (${status})`,
  statusChanged: (svc: string, from: string, to: string) => `${svc} changed from ${from} to ${to}`,
  attached: (pkg: string, svc: string, price: string | null) => `${pkg} was added to ${svc}${price ? ` at ${price}` : ''}`,
  detached: (pkg: string, svc: string) => `${pkg} was removed from ${svc}`,
  priceChanged: (pkg: string, svc: string, from: string, to: string) => `the price of ${pkg} on ${svc} changed from ${from} to ${to}`,
  trialEnded: (pkg: string, svc: string) => `the trial of ${pkg} on ${svc} ended; it is being removed from the platforms`,
  trialClosed: (pkg: string, svc: string) => `the trial of ${pkg} on ${svc} is closed on the platforms`,
  delinquent: (why: string | null) => `the customer became delinquent${why ? ` (${why})` : ''}`,
  goodStanding: (why: string | null) => `the customer is in good standing again${why ? ` (${why})` : ''}`,
};

const pt: typeof en = {
  aPackage: 'um pacote',
  aService: 'um serviço',
  noPrice: 'o preço do catálogo',
  because: (reason) => ` — motivo: ${reason}`,
  customerCreated: 'cliente cadastrado',
  serviceCreated: (svc, status) => `${svc} foi criado (${status})`,
  statusChanged: (svc, from, to) => `${svc} passou de ${from} para ${to}`,
  attached: (pkg, svc, price) => `${pkg} foi incluído n${svc}${price ? ` por ${price}` : ''}`,
  detached: (pkg, svc) => `${pkg} foi retirado d${svc}`,
  priceChanged: (pkg, svc, from, to) => `o preço d${pkg} n${svc} passou de ${from} para ${to}`,
  trialEnded: (pkg, svc) => `a degustação d${pkg} n${svc} terminou; está sendo retirado das plataformas`,
  trialClosed: (pkg, svc) => `a degustação d${pkg} n${svc} foi encerrada nas plataformas`,
  delinquent: (why) => `o cliente ficou inadimplente${why ? ` (${why})` : ''}`,
  goodStanding: (why) => `o cliente voltou a ficar adimplente${why ? ` (${why})` : ''}`,
};

const enActors: Record<string, string> = {
  [systemActors.trialExpiry]: 'the system (trial expiry)',
  [systemActors.catalog]: 'the system (catalog change)',
  [systemActors.billing]: 'the system (billing status)',
  'api-key': 'an API client',
};
const ptActors: Record<string, string> = {
  [systemActors.trialExpiry]: 'o sistema (fim de degustação)',
  [systemActors.catalog]: 'o sistema (mudança no catálogo)',
  [systemActors.billing]: 'o sistema (situação de cobrança)',
  'api-key': 'um cliente da API',
};
