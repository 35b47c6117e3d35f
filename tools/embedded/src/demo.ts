/** What the demo seed created, kept under the data folder so later runs can print the curls again. */
export interface DemoData {
  readonly integrationId: string;
  readonly callbackUrl: string;
  readonly packageId: string;
  readonly customerId: string;
  readonly serviceId: string;
  /** A valid test CPF (not a real person's): NEO users of the demo log in with it (login field `cpf_cnpj`). */
  readonly cpf: string;
  readonly product: string;
  /** R13: the customer's subscriber id on the integration. */
  readonly subscriberId: string;
}

export const DEMO_CPF = '529.982.247-25';

/**
 * Seed the demo through the services' own APIs, as an operator would: a NEO integration (login
 * by CPF) against the simulator, a product sync, a package granting `mumo`, a customer with an
 * enabled service holding the package. Resolves once the gateway authorises `mumo`.
 */
export async function seedDemo(urls: { catalog: string; subscriptions: string; gateway: string }, apiKey: string, neo: { baseUrl: string; clientId: string; clientSecret: string }): Promise<DemoData> {
  const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const integration = await call<{ id: string; callbackUrl: string }>(urls.catalog, 'POST', '/v1/integrations', {
    description: 'NEO (demo)',
    loginField: 'cpf_cnpj',
    singlePackage: false,
    syncSubscriptionStatus: true,
    platform: neo,
  });
  await call(urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`);
  const pkg = await call<{ id: string }>(urls.catalog, 'POST', '/v1/packages', {
    description: 'Música (Mumo)',
    priceCents: 1_990,
    grants: [{ integrationId: integration.id, productCodes: ['mumo'] }],
  });
  const customer = await call<{ id: string }>(urls.subscriptions, 'POST', '/v1/customers', { name: 'Maria da Silva', document: DEMO_CPF, email: 'maria@example.com' });
  const service = await call<{ id: string }>(urls.subscriptions, 'POST', `/v1/customers/${customer.id}/services`, {
    status: 'enabled',
    authLogin: 'maria.silva',
    authPassword: 'demo-pppoe-password',
  });
  await call(urls.subscriptions, 'POST', `/v1/services/${service.id}/packages`, { packageId: pkg.id, consent: { channel: 'in_person', at: new Date().toISOString(), by: 'demo' } });
  const held = await call<{ entitlements: Array<{ integrationId: string; subscriberId: string }> }>(urls.subscriptions, 'GET', `/v1/customers/${customer.id}`);
  const subscriberId = held.entitlements.find((e) => e.integrationId === integration.id)?.subscriberId;
  if (!subscriberId) throw new Error('the demo customer got no subscriber id');
  const demo: DemoData = {
    integrationId: integration.id,
    callbackUrl: integration.callbackUrl,
    packageId: pkg.id,
    customerId: customer.id,
    serviceId: service.id,
    cpf: DEMO_CPF,
    product: 'mumo',
    subscriberId,
  };
  await waitUntilAuthorised(demo);
  return demo;
}

/**
 * Poll authorise until the gateway allows the demo product (its view follows the bus, so it
 * learns of the seed a moment after it was committed). Identify is not polled: it is rate limited.
 */
export async function waitUntilAuthorised(demo: DemoData, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${demo.callbackUrl}/authorise?subscriber_id=${encodeURIComponent(demo.subscriberId)}&product=${demo.product}`);
    const body = (await response.json()) as { allowed?: boolean };
    if (body.allowed) return;
    if (Date.now() > deadline) throw new Error(`the gateway did not authorise the demo customer in ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** NEO's two calls as the README shows them (after `source .data/demo.env`). */
export function demoCurls(): string {
  return [
    `curl -s -X POST "$CALLBACK_URL/identify" -H 'content-type: application/json' -d '{"login":"${DEMO_CPF}","password":"${DEMO_CPF}"}'`,
    `curl -s "$CALLBACK_URL/authorise?subscriber_id=$SUBSCRIBER_ID&product=mumo"`,
  ].join('\n');
}

/**
 * The demo's values as a file the shell can source (`source .data/demo.env`), so the README's
 * curls run as written. It holds the operator API key and the callback secret: written 0600.
 */
export function demoEnvFile(demo: DemoData, urls: { catalog: string; subscriptions: string; billing: string; gateway: string; demoClock?: string; financial?: string }, apiKey: string): string {
  const values: Record<string, string> = {
    API_KEY: apiKey,
    CATALOG_URL: urls.catalog,
    SUBSCRIPTIONS_URL: urls.subscriptions,
    BILLING_URL: urls.billing,
    GATEWAY_URL: urls.gateway,
    ...(urls.demoClock ? { DEMO_CLOCK_URL: urls.demoClock } : {}),
    ...(urls.financial ? { FINANCIAL_URL: urls.financial } : {}),
    CALLBACK_URL: demo.callbackUrl,
    INTEGRATION_ID: demo.integrationId,
    PACKAGE_ID: demo.packageId,
    CUSTOMER_ID: demo.customerId,
    SERVICE_ID: demo.serviceId,
    SUBSCRIBER_ID: demo.subscriberId,
    DEMO_CPF: demo.cpf,
    PRODUCT: demo.product,
  };
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  return `# Written by npm start: source it to use the README's curls.\n${Object.entries(values)
    .map(([name, value]) => `export ${name}=${quote(value)}`)
    .join('\n')}\n`;
}
