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

/** The two curls the README shows, for this run's callback URL. */
export function demoCurls(demo: DemoData): string {
  return [
    `curl -s -X POST '${demo.callbackUrl}/identify' -H 'content-type: application/json' -d '{"login":"${demo.cpf}","password":"${demo.cpf}"}'`,
    `curl -s '${demo.callbackUrl}/authorise?subscriber_id=${demo.subscriberId}&product=${demo.product}'`,
  ].join('\n');
}
