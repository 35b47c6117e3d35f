import { createContext, useContext, useState, type ReactNode } from 'react';
import { setApiLanguage } from './api.ts';

/** Every text of the console, in Brazilian Portuguese (the default) and English. */
const pt = {
  appName: 'SVA · Console do Provedor',
  language: 'Idioma',
  menu: 'Menu lateral',
  configuration: 'Configuração',
  integrations: 'Integrações',
  contentPlatforms: 'Plataformas de Conteúdo',
  packages: 'Pacotes',
  plans: 'Serviços/Planos',
  customers: 'Clientes',
  logout: 'Sair',
  loggedInAs: 'Conectado como',
  login: 'Entrar',
  loginTitle: 'Acesso ao console',
  username: 'Usuário',
  password: 'Senha',
  save: 'Salvar',
  create: 'Cadastrar',
  cancel: 'Cancelar',
  actions: 'Ações',
  description: 'Descrição',
  status: 'Situação',
  active: 'Ativo',
  inactive: 'Inativo',
  loginField: 'Campo de login',
  flags: 'Opções',
  singlePackage: 'Pacote único',
  syncSubscriptionStatus: 'Sincronizar situação',
  exclusivePackages: 'Pacotes exclusivos',
  callbackUrl: 'URL de retorno',
  copy: 'Copiar',
  copied: 'Copiado',
  test: 'Testar',
  sync: 'Sincronizar',
  syncing: 'Sincronizando…',
  testOk: 'Conexão com a plataforma funcionando.',
  syncResult: 'Produtos: {added} adicionados, {updated} atualizados, {deactivated} desativados, {unchanged} sem alteração.',
  newIntegration: 'Nova integração',
  baseUrl: 'URL da plataforma',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  secretOnce: 'Guarde o segredo de retorno agora: ele não será mostrado novamente.',
  products: 'Produtos',
  price: 'Valor',
  composition: 'Composição fiscal',
  newPackage: 'Novo pacote',
  name: 'Nome',
  speed: 'Velocidade',
  lockPackages: 'Travar pacotes',
  mandatory: 'Obrigatório',
  trialDays: 'Dias de teste',
  yes: 'Sim',
  no: 'Não',
  searchCustomers: 'Buscar clientes',
  document: 'CPF/CNPJ',
  code: 'Código do cliente',
  search: 'Buscar',
  noResults: 'Nenhum cliente encontrado.',
  customer: 'Cliente',
  services: 'Serviços do Cliente',
  service: 'Serviço',
  plan: 'Plano',
  standing: 'Situação financeira',
  standingGood: 'Em dia',
  standingDelinquent: 'Inadimplente desde {since}: {reason}',
  trustUnblock: 'Desbloqueio de confiança até {until}',
  subscriberIds: 'Assinantes por integração',
  addPackages: 'Adicionar Pacotes',
  add: 'Adicionar',
  detach: 'Remover',
  package: 'Pacote',
  fromPlan: 'do plano',
  trialUntil: 'teste até {date}',
  lockedExplanation:
    'O plano deste serviço trava os pacotes: só os pacotes do próprio plano podem ser adicionados, por isso outros não aparecem.',
  nothingToAdd: 'Nenhum pacote disponível para este serviço.',
  consentChannel: 'Consentimento do cliente',
  consentNone: '— (pacote do plano ou sem valor)',
  consent_in_person: 'Presencial',
  consent_phone: 'Telefone',
  consent_app: 'Aplicativo',
  consent_signed_contract: 'Contrato assinado',
  consentReference: 'Referência do consentimento (opcional)',
  explain: 'Por que o cliente não acessa?',
  demoClock: 'Relógio de demonstração',
  demoClockHour: '+1 hora',
  demoClockDay: '+1 dia',
  demoClockEightDays: '+8 dias',
  demoClockJobsFailed: 'Falharam: {names}',
  history: 'Histórico',
  historyWhen: 'Quando',
  historyWho: 'Quem',
  historyWhat: 'O que',
  historyEmpty: 'Nada registrado ainda.',
  historyOlder: 'Há registros mais antigos: mostrando os {count} mais recentes.',
  product: 'Código do produto',
  ask: 'Consultar',
  allowed: 'Liberado',
  denied: 'Bloqueado',
  loading: 'Carregando…',
  more: 'Mais',
  noPlan: 'sem plano',
  subscriberStatus: { active: 'ativo', suspended: 'suspenso', cancelled: 'cancelado' },
  roles: { admin: 'administrador', operator: 'operador', support: 'suporte' },
  serviceStatus: {
    awaiting_installation: 'Aguardando instalação',
    enabled: 'Habilitado',
    suspended_debt: 'Suspenso por débito',
    suspended_request: 'Suspenso a pedido',
    cancelled: 'Cancelado',
  },
  problems: {
    HTTP_VALIDATION_FAILED: 'Há campos inválidos: veja as mensagens junto aos campos.',
    CONSOLE_LOGIN_FAILED: 'Usuário ou senha incorretos.',
    CONSOLE_ACCOUNT_LOCKED: 'Conta bloqueada após tentativas sem sucesso. Tente novamente mais tarde.',
    CONSOLE_TOO_MANY_LOGINS: 'Muitas tentativas deste endereço. Aguarde um minuto.',
    CONSOLE_ROLE_FORBIDDEN: 'Seu perfil não permite esta ação.',
    CONSOLE_SESSION_REQUIRED: 'Sua sessão terminou. Entre novamente.',
    CONSOLE_SERVICE_UNAVAILABLE: 'O serviço não respondeu. Tente novamente em instantes.',
    SUBSCRIPTIONS_MANDATORY_PACKAGE: 'Este pacote é obrigatório no plano do serviço e não pode ser removido (R9).',
    SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN: 'O plano trava os pacotes: só os pacotes do plano podem ser adicionados (R8).',
    SUBSCRIPTIONS_PACKAGE_ALREADY_ATTACHED: 'Este pacote já está no serviço.',
    SUBSCRIPTIONS_INVALID_DOCUMENT: 'CPF/CNPJ inválido.',
    CATALOG_COMPOSITION_INVALID: 'A composição fiscal não fecha com o valor do pacote (R5).',
  } as Record<string, string>,
  failed: 'A operação falhou',
};

type Messages = typeof pt;

const en: Messages = {
  appName: 'SVA · Provider Console',
  language: 'Language',
  menu: 'Side menu',
  configuration: 'Configuration',
  integrations: 'Integrations',
  contentPlatforms: 'Content Platforms',
  packages: 'Packages',
  plans: 'Services/Plans',
  customers: 'Customers',
  logout: 'Log out',
  loggedInAs: 'Logged in as',
  login: 'Log in',
  loginTitle: 'Console login',
  username: 'User name',
  password: 'Password',
  save: 'Save',
  create: 'Create',
  cancel: 'Cancel',
  actions: 'Actions',
  description: 'Description',
  status: 'Status',
  active: 'Active',
  inactive: 'Inactive',
  loginField: 'Login field',
  flags: 'Options',
  singlePackage: 'Single package',
  syncSubscriptionStatus: 'Sync status',
  exclusivePackages: 'Exclusive packages',
  callbackUrl: 'Callback URL',
  copy: 'Copy',
  copied: 'Copied',
  test: 'Test',
  sync: 'Synchronise',
  syncing: 'Synchronising…',
  testOk: 'The platform answers.',
  syncResult: 'Products: {added} added, {updated} updated, {deactivated} deactivated, {unchanged} unchanged.',
  newIntegration: 'New integration',
  baseUrl: 'Platform URL',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  secretOnce: 'Keep the callback secret now: it will not be shown again.',
  products: 'Products',
  price: 'Price',
  composition: 'Fiscal composition',
  newPackage: 'New package',
  name: 'Name',
  speed: 'Speed',
  lockPackages: 'Lock packages',
  mandatory: 'Mandatory',
  trialDays: 'Trial days',
  yes: 'Yes',
  no: 'No',
  searchCustomers: 'Search customers',
  document: 'CPF/CNPJ',
  code: 'Customer code',
  search: 'Search',
  noResults: 'No customer found.',
  customer: 'Customer',
  services: "Customer's services",
  service: 'Service',
  plan: 'Plan',
  standing: 'Payment standing',
  standingGood: 'Good standing',
  standingDelinquent: 'Delinquent since {since}: {reason}',
  trustUnblock: 'Trust unblock until {until}',
  subscriberIds: 'Subscribers per integration',
  addPackages: 'Add packages',
  add: 'Add',
  detach: 'Remove',
  package: 'Package',
  fromPlan: 'from the plan',
  trialUntil: 'trial until {date}',
  lockedExplanation: "This service's plan locks packages: only the plan's own packages can be added, which is why others are missing.",
  nothingToAdd: 'No package available for this service.',
  consentChannel: "Customer's consent",
  consentNone: '— (plan package or free)',
  consent_in_person: 'In person',
  consent_phone: 'Phone',
  consent_app: 'App',
  consent_signed_contract: 'Signed contract',
  consentReference: 'Consent reference (optional)',
  explain: "Why can't the customer use it?",
  demoClock: 'Demo clock',
  demoClockHour: '+1 hour',
  demoClockDay: '+1 day',
  demoClockEightDays: '+8 days',
  demoClockJobsFailed: 'Failed: {names}',
  history: 'History',
  historyWhen: 'When',
  historyWho: 'Who',
  historyWhat: 'What',
  historyEmpty: 'Nothing recorded yet.',
  historyOlder: 'There are older entries: showing the {count} most recent.',
  product: 'Product code',
  ask: 'Ask',
  allowed: 'Allowed',
  denied: 'Denied',
  loading: 'Loading…',
  more: 'More',
  noPlan: 'no plan',
  subscriberStatus: { active: 'active', suspended: 'suspended', cancelled: 'cancelled' },
  roles: { admin: 'admin', operator: 'operator', support: 'support' },
  serviceStatus: {
    awaiting_installation: 'Awaiting installation',
    enabled: 'Enabled',
    suspended_debt: 'Suspended for debt',
    suspended_request: 'Suspended on request',
    cancelled: 'Cancelled',
  },
  problems: {
    HTTP_VALIDATION_FAILED: 'Some fields are invalid: see the messages beside them.',
    CONSOLE_LOGIN_FAILED: 'Wrong user name or password.',
    CONSOLE_ACCOUNT_LOCKED: 'Account locked after failed attempts. Try again later.',
    CONSOLE_TOO_MANY_LOGINS: 'Too many attempts from this address. Wait a minute.',
    CONSOLE_ROLE_FORBIDDEN: 'Your role does not allow this.',
    CONSOLE_SESSION_REQUIRED: 'Your session ended. Log in again.',
    CONSOLE_SERVICE_UNAVAILABLE: 'The service did not answer. Try again shortly.',
    SUBSCRIPTIONS_MANDATORY_PACKAGE: "This package is mandatory on the service's plan and cannot be removed (R9).",
    SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN: "The plan locks packages: only the plan's packages can be added (R8).",
    SUBSCRIPTIONS_PACKAGE_ALREADY_ATTACHED: 'This package is already on the service.',
    SUBSCRIPTIONS_INVALID_DOCUMENT: 'Invalid CPF/CNPJ.',
    CATALOG_COMPOSITION_INVALID: "The fiscal composition does not add up to the package's price (R5).",
  },
  failed: 'The operation failed',
};

export type Locale = 'pt-BR' | 'en';
type TextKey = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];

export interface I18n {
  readonly locale: Locale;
  readonly m: Messages;
  setLocale(locale: Locale): void;
  /** A message with `{name}` placeholders filled in. */
  t(key: TextKey, values?: Record<string, string | number>): string;
  /** `R$ 9,90` (or `R$9.90` in English). */
  money(cents: number): string;
  /** `dd/mm/aaaa` (or the English date). */
  date(iso: string): string;
  /** `dd/mm/aaaa hh:mm` in São Paulo time (or the English one). */
  dateTime(iso: string): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const initial = localStorage.getItem('locale') === 'en' ? 'en' : 'pt-BR';
    setApiLanguage(initial);
    return initial;
  });
  const m = locale === 'en' ? en : pt;
  const setLocale = (next: Locale) => {
    setApiLanguage(next);
    localStorage.setItem('locale', next);
    document.documentElement.lang = next;
    setLocaleState(next);
  };
  const moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency: 'BRL' });
  const dateFormat = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'pt-BR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'America/Sao_Paulo' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Sao_Paulo' });
  const value: I18n = {
    locale,
    m,
    setLocale,
    t: (key, values = {}) => m[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '')),
    // Intl puts a no-break space after R$; a plain one reads the same and matches what people type.
    money: (cents) => moneyFormat.format(cents / 100).replace(/\u00a0/g, ' '),
    date: (iso) => dateFormat.format(new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso)),
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
  };
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
