import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startConsoleSystem, type ConsoleSystem } from './system.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const outDir = new URL('../../test-output/', import.meta.url).pathname;
const shots = `${outDir}screenshots/`;
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let system: ConsoleSystem;
let browser: Browser;
const ids: { integration?: string; mumo?: string; kiddle?: string; leitura?: string; plan?: string; customer?: string; maria?: string } = {};
/** NEO's side of the integration the manual test creates: its callback URL and João's subscriber id. */
const neo: { callbackUrl?: string; subscriberId?: string } = {};

/** NEO asks the gateway whether the subscriber may use `product` now; resolves with the answer once it is `allowed` (the change travels over the bus). */
async function authorisation(product: string, allowed: boolean): Promise<{ allowed: boolean; reason: string }> {
  return eventually(async () => {
    const answer = (await (await fetch(`${neo.callbackUrl}/authorise?subscriber_id=${encodeURIComponent(neo.subscriberId!)}&product=${product}`)).json()) as { allowed?: boolean; reason: string };
    if (answer.allowed !== allowed) throw new Error(`not yet ${allowed ? 'allowed' : 'denied'}: ${JSON.stringify(answer)}`);
    return { allowed, reason: answer.reason };
  }, 20_000);
}

/** NEO asks the gateway whether the subscriber may use `product` now; resolves once it is allowed. */
async function authorised(product: string): Promise<boolean> {
  return (await authorisation(product, true)).allowed;
}

/** `YYYY-MM-DD` in São Paulo, the provider's day, `daysBack` days before today. */
function providerDate(daysBack = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const day = new Date(`${today}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() - daysBack);
  return day.toISOString().slice(0, 10);
}

/** `2026-11-20` → `20/11/2026`, as the console shows dates in Portuguese. */
const shownDate = (day: string) => day.split('-').reverse().join('/');

/** `YYYY-MM` in São Paulo, the provider's month, `monthsBack` months before now's. */
function providerMonth(monthsBack = 0): string {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number) as [number, number];
  const back = new Date(Date.UTC(year, month - 1 - monthsBack, 15));
  return `${back.getUTCFullYear()}-${String(back.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** No serious or critical axe-core violation on the page as it is now. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Evaluated over the DevTools protocol, so the page's Content-Security-Policy (script-src 'self') stays on.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
  });
  expect(violations, `axe on ${screen}`).toEqual([]);
}

/** A valid CPF (check digits) made from `n`, for customers the test registers in bulk. */
function cpf(n: number): string {
  const digits = String(700_000_000 + n).split('').map(Number);
  const check = (weights: number) => {
    const rest = digits.reduce((sum, d, k) => sum + d * (weights - k), 0) % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  digits.push(check(10));
  digits.push(check(11));
  return digits.join('');
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${shots}${name}.png`, fullPage: true });

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 860 } });
  return context.newPage();
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(system.consoleUrl);
  await page.getByLabel('Usuário').fill(username);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('button', { name: 'Sair' }).waitFor();
}

describe.skipIf(!hasChromium)(hasChromium ? 'console in Chromium' : `console in Chromium (skipped: no Chromium at ${CHROMIUM})`, () => {
  beforeAll(async () => {
    await rm(shots, { recursive: true, force: true });
    await mkdir(shots, { recursive: true });
    system = await startConsoleSystem();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const admin = await newPage();
    // Accounts for the role tests, made through the console's own API as an admin would.
    await logIn(admin, 'admin', system.adminPassword);
    for (const [username, role] of [['sonia', 'support'], ['otavio', 'operator']]) {
      const status = await admin.evaluate(async ([u, r]) => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const answer = await fetch('/api/operators', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ username: u, displayName: u, role: r, password: `${u}-password-123` }),
        });
        return answer.status;
      }, [username, role]);
      expect(status).toBe(201);
    }
    await admin.context().close();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('when opened with a cold cache, then the login screen shows (load time measured, not asserted)', async () => {
    const page = await newPage();
    const started = performance.now();
    await page.goto(system.consoleUrl);
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    const visibleMs = Math.round(performance.now() - started);
    const navigation = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    await writeFile(`${outDir}first-load.json`, `${JSON.stringify({ loginVisibleMs: visibleMs, loadEventEndMs: Math.round(navigation) })}\n`);
    process.stdout.write(`console cold first load: login visible after ${visibleMs} ms, load event at ${Math.round(navigation)} ms\n`);
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await expectAccessible(page, 'login');
    await shot(page, '01-login');
    await page.getByLabel('Usuário').fill('admin');
    await page.getByLabel('Senha').fill('wrong-password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Usuário ou senha incorretos.');
    await page.context().close();
  });

  it('plays the manual: integration, Testar/Sincronizar, package, plan, customer, Adicionar Pacotes with an edited value, R8 and R9, explain, NEO authorise', async () => {
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);

    // Configuração › Integrações › Plataformas de Conteúdo: create the NEO integration.
    await page.getByRole('link', { name: 'Plataformas de Conteúdo' }).click();
    await page.getByRole('button', { name: 'Nova integração' }).click();
    await page.getByLabel('Descrição').fill('NEO (e2e)');
    await page.getByLabel('URL da plataforma').fill('nota uma url');
    await page.getByLabel('Client ID').fill(system.neo.clientId);
    await page.getByLabel('Client secret').fill(system.neo.clientSecret);
    await page.getByRole('button', { name: 'Cadastrar' }).click();
    // The API's field error shows next to the field it names.
    await page.locator('.field-error').first().waitFor();
    await page.getByText('Há campos inválidos').waitFor();
    // In the operator's language: the console asks the services for pt-BR field messages.
    await page.getByText('Formato do URL inválido').waitFor();
    await shot(page, '02-integration-field-error');
    await page.getByLabel('URL da plataforma').fill(system.neo.baseUrl);
    await page.getByRole('button', { name: 'Cadastrar' }).click();
    const secret = (await page.getByTestId('callback-secret').textContent())!;
    expect(secret).toMatch(/\S{20,}/);
    // The callback URL NEO is given carries the secret, shown this once.
    const callbackUrl = (await page.locator('.card code').nth(1).textContent())!;
    expect(callbackUrl).toContain(secret);
    await shot(page, '03-integration-secret-once');
    await page.getByRole('button', { name: 'OK' }).click();
    const row = page.getByRole('row', { name: /NEO \(e2e\)/ });
    await row.getByRole('button', { name: 'Testar' }).click();
    await row.getByText('Conexão com a plataforma funcionando.').waitFor();
    await row.getByRole('button', { name: 'Sincronizar' }).click();
    await row.getByText(/Produtos: \d+ adicionados/).waitFor();
    await expectAccessible(page, 'integrations');
    await shot(page, '04-integrations-synced');
    const integrations = await system.api<{ items: Array<{ id: string; description: string }> }>('catalog', 'GET', '/v1/integrations');
    ids.integration = integrations.items.find((i) => i.description === 'NEO (e2e)')!.id;

    // Configuração › Pacotes: one package through the form (R$ 9,90), two more with their products by API.
    await page.getByRole('link', { name: 'Pacotes' }).click();
    await page.getByRole('button', { name: 'Novo pacote' }).click();
    await page.getByLabel('Descrição').fill('Leitura (Leiturinha)');
    await page.getByLabel('Valor (R$)').fill('9,90');
    await page.getByRole('button', { name: 'Cadastrar' }).click();
    await page.getByRole('cell', { name: 'Leitura (Leiturinha)' }).waitFor();
    await expect(page.getByRole('row', { name: /Leitura/ }).textContent()).resolves.toContain('R$ 9,90');
    const made = (description: string, priceCents: number, product: string) =>
      system.api<{ id: string }>('catalog', 'POST', '/v1/packages', {
        description,
        priceCents,
        composition: [{ kind: 'sva', serviceCode: 'SVA-01', share: { percent: 100 } }],
        grants: [{ integrationId: ids.integration, productCodes: [product] }],
      }).catch(() => system.api<{ id: string }>('catalog', 'POST', '/v1/packages', { description, priceCents, grants: [{ integrationId: ids.integration, productCodes: [product] }] }));
    ids.mumo = (await made('Música (Mumo)', 1_990, 'mumo')).id;
    ids.kiddle = (await made('Kids (Kiddle)', 1_490, 'kiddle')).id;
    const packages = await system.api<{ items: Array<{ id: string; description: string }> }>('catalog', 'GET', '/v1/packages');
    ids.leitura = packages.items.find((p) => p.description === 'Leitura (Leiturinha)')!.id;
    await page.reload();
    await page.getByRole('cell', { name: 'Música (Mumo)' }).waitFor();
    await expectAccessible(page, 'packages');
    await shot(page, '05-packages');

    // Configuração › Serviços/Planos: a plan locking packages, Mumo mandatory, Kiddle on a 7-day trial.
    ids.plan = (
      await system.api<{ id: string }>('catalog', 'POST', '/v1/plans', {
        name: 'Fibra 300',
        downloadMbps: 300,
        uploadMbps: 150,
        priceCents: 9_990,
        lockPackages: true,
        packages: [
          { packageId: ids.mumo, mandatory: true },
          { packageId: ids.kiddle, trialDays: 7 },
        ],
      })
    ).id;
    await page.getByRole('link', { name: 'Serviços/Planos' }).click();
    await page.getByRole('cell', { name: 'Fibra 300' }).waitFor();
    // The package names arrive after the plans: wait for them.
    await page.getByRole('row', { name: /Fibra 300.*Música \(Mumo\) · Obrigatório/ }).waitFor();
    await expect(page.getByRole('row', { name: /Fibra 300/ }).textContent()).resolves.toMatch(/Música \(Mumo\) · Obrigatório.*Dias de teste: 7/);
    await expectAccessible(page, 'plans');
    await shot(page, '06-plans');

    // A customer with a service on the plan (its packages arrive, R11) and a second service without a plan.
    ids.customer = (await system.api<{ id: string }>('subscriptions', 'POST', '/v1/customers', { name: 'João Souza', document: '111.444.777-35', code: 'C-1001' })).id;
    await eventually(() =>
      system.api('subscriptions', 'POST', `/v1/customers/${ids.customer}/services`, { planId: ids.plan, status: 'enabled', authLogin: 'joao.souza', authPassword: 'pppoe-password-1' }),
    );
    await system.api('subscriptions', 'POST', `/v1/customers/${ids.customer}/services`, { status: 'enabled', authLogin: 'joao.casa', authPassword: 'pppoe-password-2' });

    // Clientes: search by CPF with punctuation, open the customer.
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByLabel('Buscar por').selectOption('document');
    await page.getByLabel('CPF/CNPJ', { exact: true }).fill('111.444.777-35');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('link', { name: 'João Souza' }).click();
    const service = page.getByRole('article', { name: 'Serviço joao.souza' });
    await service.getByText('Música (Mumo) (do plano)').waitFor();
    await service.getByText(/Kids \(Kiddle\).*teste até \d{2}\/\d{2}\/\d{4}/).waitFor();

    // Adicionar Pacotes on the locked plan: the plan's packages are all on it, and the R8 line says why no other shows.
    await service.getByRole('button', { name: 'Adicionar Pacotes' }).click();
    await expect(service.getByTestId('locked-note').textContent()).resolves.toContain('trava os pacotes');
    await service.getByText('Nenhum pacote disponível para este serviço.').waitFor();
    await shot(page, '07-add-packages-r8');
    await service.getByRole('button', { name: 'Cancelar', exact: true }).click();

    // Adicionar Pacotes on the service without a plan: value prefilled from the package, then edited.
    const home = page.getByRole('article', { name: 'Serviço joao.casa' });
    await home.getByRole('button', { name: 'Adicionar Pacotes' }).click();
    const options = await home.locator('select option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(['Leitura (Leiturinha) (R$ 9,90)', 'Música (Mumo) (R$ 19,90)']));
    await home.getByLabel('Pacote', { exact: true }).selectOption(ids.leitura!);
    await expect(home.getByLabel('Valor (R$)').inputValue()).resolves.toBe('9,90');
    await home.getByLabel('Valor (R$)').fill('7,50');
    await home.getByLabel('Consentimento do cliente').selectOption('phone');
    await expectAccessible(page, 'add-packages');
    await shot(page, '08-add-packages-edited-value');
    await home.getByRole('button', { name: 'Adicionar', exact: true }).click();
    await expect(home.getByRole('row', { name: /Leitura \(Leiturinha\)/ }).textContent()).resolves.toContain('R$ 7,50');

    // R9: detaching the mandatory package is refused, and the reason is shown.
    await service.getByRole('row', { name: /Música \(Mumo\)/ }).getByRole('button', { name: 'Remover' }).click();
    await expect(service.getByRole('alert').textContent()).resolves.toContain('obrigatório');
    await shot(page, '09-customer-r9-refused');

    // Explain, one click from the customer page.
    await page.getByLabel('Código do produto').fill('mumo');
    await page.getByRole('button', { name: 'Consultar' }).click();
    await expect(page.getByTestId('explain').textContent()).resolves.toContain('Liberado');
    // Histórico: when, who and what, worded by the service in Portuguese with the login, package and value.
    const history = page.getByTestId('history');
    await history.getByRole('heading', { name: 'Histórico' }).waitFor();
    await history.getByRole('row', { name: /foi incluído no serviço de login joao\.casa por R\$ 7,50/ }).waitFor();
    await expect(history.textContent()).resolves.toContain('Cliente cadastrado');
    await expectAccessible(page, 'customer');
    await shot(page, '10-customer-explain');

    // NEO's authorise through the gateway answers allowed.
    const customer = await system.api<{ entitlements: Array<{ integrationId: string; subscriberId: string }> }>('subscriptions', 'GET', `/v1/customers/${ids.customer}`);
    neo.callbackUrl = callbackUrl;
    neo.subscriberId = customer.entitlements.find((e) => e.integrationId === ids.integration)!.subscriberId;
    expect(await authorised('mumo')).toBe(true);

    // R16, R17: the financial module reports an invoice of João's that fell due 20 days ago, unpaid. Past the
    // grace days (5 by default) billing-status judges him delinquent on that fact; the integration syncs
    // subscription status, so subscriptions suspends his platform access for debt and NEO is denied.
    const invoiceFact = (fact: Record<string, unknown>) => system.api('billing', 'POST', '/v1/invoice-facts', { invoiceId: 'FAT-E2E-0001', customerId: ids.customer, occurredAt: new Date().toISOString(), ...fact });
    const due = providerDate(20);
    const grace = (await system.api<{ graceDays: number }>('billing', 'GET', '/v1/settings')).graceDays;
    expect(grace).toBeLessThan(20);
    await invoiceFact({ fact: 'issued', amountCents: 13_940, dueDate: due });
    expect(await authorisation('mumo', false)).toEqual({ allowed: false, reason: 'service_suspended_debt' });
    // The customer page: since when and why, in words; the services suspended for debt on the platform.
    await page.reload();
    const standing = page.getByTestId('standing');
    await standing.getByText(/^Inadimplente desde/).waitFor();
    await expect(standing.textContent()).resolves.toBe(
      `Inadimplente desde ${shownDate(providerDate())}: a fatura FAT-E2E-0001 de R$ 139,40, vencida em ${shownDate(due)}, continua em aberto depois da carência (em atraso desde ${shownDate(providerDate(20 - grace - 1))})`,
    );
    await expect(service.getByTestId('debt-suspension').textContent()).resolves.toMatch(/^Suspenso por débito nas plataformas: o cliente está inadimplente .* O acesso volta sozinho quando a fatura for paga\.$/);
    await page.getByText(/\(suspenso\) · suspenso por débito: .*mumo/).waitFor();
    // Explain says why NEO is refused: the service suspended for debt, and the invoice behind it.
    await page.getByLabel('Código do produto').fill('mumo');
    await page.getByRole('button', { name: 'Consultar' }).click();
    const explained = page.getByTestId('explain');
    await explained.getByTestId('explain-debt').waitFor();
    await expect(explained.textContent()).resolves.toMatch(/^Bloqueado: .*suspenso por débito: o cliente está inadimplente/);
    await expect(explained.getByTestId('explain-debt').textContent()).resolves.toBe(
      `Por que está inadimplente: a fatura FAT-E2E-0001 de R$ 139,40, vencida em ${shownDate(due)}, continua em aberto depois da carência (em atraso desde ${shownDate(providerDate(20 - grace - 1))}).`,
    );
    await expectAccessible(page, 'customer-delinquent');
    await shot(page, '37-customer-suspended-for-debt');

    // Paid: good standing again, access back with no operator step.
    await invoiceFact({ fact: 'paid', paidOn: providerDate() });
    expect(await authorised('mumo')).toBe(true);
    await page.reload();
    await standing.getByText('Em dia').waitFor();
    await service.getByText('Música (Mumo) (do plano)').waitFor();
    expect(await page.getByTestId('debt-suspension').count()).toBe(0);
    await page.getByLabel('Código do produto').fill('mumo');
    await page.getByRole('button', { name: 'Consultar' }).click();
    await expect(page.getByTestId('explain').textContent()).resolves.toMatch(/^Liberado/);
    await shot(page, '38-customer-paid-allowed');
    await page.context().close();
  }, 180_000);

  it('when support opens Relatórios › Assinantes ativos por mês, then last month is empty, this month counts João once per product, and the CSV holds the same lines', async () => {
    // João on the trial package too: two products of NEO, one subscriber each, this month.
    expect(await authorised('kiddle')).toBe(true);
    const thisMonth = providerMonth();
    // The gateway reports its decisions in batches: wait until subscriptions counted both.
    await eventually(async () => {
      const report = await system.api<{ items: unknown[] }>('subscriptions', 'GET', `/v1/reports/active-subscribers?month=${thisMonth}`);
      if (report.items.length < 2) throw new Error(`not counted yet: ${JSON.stringify(report)}`);
    }, 20_000);

    const page = await newPage();
    await logIn(page, 'sonia', 'sonia-password-123');
    await page.getByRole('link', { name: 'Assinantes ativos por mês' }).click();
    await page.getByRole('heading', { name: 'Relatórios › Assinantes ativos por mês' }).waitFor();
    // Last month by default, when nothing was used yet.
    await expect(page.getByLabel('Mês', { exact: true }).inputValue()).resolves.toBe(providerMonth(1));
    await page.getByText('Nenhum assinante ativo neste mês.').waitFor();
    await expect(page.getByRole('button', { name: 'Baixar CSV' }).isDisabled()).resolves.toBe(true);

    await page.getByLabel('Mês', { exact: true }).selectOption(thisMonth);
    const table = page.getByRole('table', { name: /^Assinantes ativos em [a-zç]+ de \d{4}$/ });
    await table.waitFor();
    const cells = async (name: RegExp) => {
      // The rows can land a moment after the table (seen on a loaded machine): wait for the one asked about.
      await page.getByRole('row', { name }).waitFor();
      return page.getByRole('row', { name }).getByRole('cell').allTextContents();
    };
    expect(await cells(/Mumo Música/)).toEqual(['NEO (e2e)', 'Mumo Música (mumo)', '1']);
    expect(await cells(/Kiddle Kids/)).toEqual(['NEO (e2e)', 'Kiddle Kids (kiddle)', '1']);
    expect(await table.locator('tfoot').textContent()).toBe('Total2');
    // One bar per line, both full length (each is the largest, 1).
    const bars = page.getByRole('figure', { name: 'Assinantes ativos por produto' }).getByRole('listitem');
    expect(await bars.allTextContents()).toEqual(['NEO (e2e) · Kiddle Kids (kiddle)1', 'NEO (e2e) · Mumo Música (mumo)1']);
    await expectAccessible(page, 'reports');
    await shot(page, '16-reports-active-subscribers');

    // Baixar CSV: UTF-8 with BOM, ; between fields, the header row, the same lines.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Baixar CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`assinantes-ativos-${thisMonth}.csv`);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')).toEqual([
      'Mês;Integração;Código do produto;Produto;Assinantes ativos',
      `${thisMonth};NEO (e2e);kiddle;Kiddle Kids;1`,
      `${thisMonth};NEO (e2e);mumo;Mumo Música;1`,
      '',
    ]);
    await page.context().close();
  }, 60_000);

  it('when an operator registers a customer with Novo cliente and gives it a service on the plan with Novo serviço, then the API refusals show beside their fields in Portuguese, the plan packages arrive (R11) and search finds her', async () => {
    const document = cpf(99);
    const page = await newPage();
    await logIn(page, 'otavio', 'otavio-password-123');
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByRole('button', { name: 'Novo cliente' }).click();
    const form = page.getByRole('form', { name: 'Novo cliente' });
    // Masked as typed; a wrong check digit first, and no name.
    await form.getByLabel('CPF/CNPJ').pressSequentially('11144477700');
    await expect(form.getByLabel('CPF/CNPJ').inputValue()).resolves.toBe('111.444.777-00');
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    const errorOf = (label: string) => form.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    await expect(errorOf('Nome').textContent()).resolves.toMatch(/\S/);
    expect(await errorOf('Nome').textContent()).not.toMatch(/too small|expected/i);
    await form.getByLabel('Nome', { exact: true }).fill('Maria das Dores Teste');
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    await expect(errorOf('CPF/CNPJ').textContent()).resolves.toContain('CPF (11 dígitos) ou CNPJ (14 caracteres) inválido');
    await expectAccessible(page, 'new-customer-refused');
    await shot(page, '17-new-customer-field-error');
    await form.getByLabel('CPF/CNPJ').fill(document);
    await expect(form.getByLabel('CPF/CNPJ').inputValue()).resolves.toBe(`${document.slice(0, 3)}.${document.slice(3, 6)}.${document.slice(6, 9)}-${document.slice(9)}`);
    await form.getByLabel('Código do cliente (opcional)').fill('C-2002');
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    // Her page opens, the document only masked.
    await page.getByRole('heading', { name: 'Cliente: Maria das Dores Teste' }).waitFor();
    await page.getByText(`***.${document.slice(3, 6)}.${document.slice(6, 9)}-**`).waitFor();
    ids.maria = page.url().split('/').pop()!;

    // Novo serviço on Fibra 300: a login without its password, then a login another service holds.
    await page.getByRole('button', { name: 'Novo serviço' }).click();
    const serviceForm = page.getByRole('form', { name: 'Novo serviço' });
    const serviceErrorOf = (label: string) => serviceForm.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    await serviceForm.getByLabel('Plano').selectOption({ label: 'Fibra 300 (300/150 Mbps)' });
    await serviceForm.getByLabel('Login de rede (PPPoE)').fill('joao.souza');
    await serviceForm.getByRole('button', { name: 'Cadastrar' }).click();
    await expect(serviceErrorOf('Senha de rede').textContent()).resolves.toBe('Informe o login e a senha de rede juntos.');
    await serviceForm.getByLabel('Senha de rede').fill('pppoe-password-3');
    await serviceForm.getByRole('button', { name: 'Cadastrar' }).click();
    await expect(serviceErrorOf('Login de rede (PPPoE)').textContent()).resolves.toBe('Já em uso em outro serviço.');
    await serviceForm.getByRole('alert').filter({ hasText: 'A operação falhou' }).waitFor();
    await shot(page, '18-new-service-login-taken');
    await serviceForm.getByLabel('Login de rede (PPPoE)').fill('maria.fibra');
    await serviceForm.getByRole('button', { name: 'Cadastrar' }).click();
    // The plan's packages arrived by themselves: Mumo mandatory, Kiddle on its 7-day trial.
    const created = page.getByTestId('service-created');
    await created.getByRole('listitem').first().waitFor();
    expect(await created.getByRole('listitem').allTextContents()).toEqual([
      'Música (Mumo) · Obrigatório',
      expect.stringMatching(/^Kids \(Kiddle\) · teste até \d{2}\/\d{2}\/\d{4}$/),
    ]);
    await expectAccessible(page, 'new-service-created');
    await shot(page, '19-new-service-created');
    await created.getByRole('button', { name: 'OK' }).click();
    const service = page.getByRole('article', { name: 'Serviço maria.fibra' });
    await service.getByRole('heading', { name: 'Serviço maria.fibra · Fibra 300 · Habilitado' }).waitFor();
    await service.getByText('Música (Mumo) (do plano)').waitFor();

    // Clientes: search finds her by part of the name, without accents.
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByLabel('Nome', { exact: true }).fill('maria DORES');
    await page.getByRole('button', { name: 'Buscar' }).click();
    const results = page.getByRole('table', { name: /Resultados/ });
    await results.getByRole('link', { name: 'Maria das Dores Teste' }).waitFor();
    await expect(results.getByRole('row', { name: /Maria das Dores Teste/ }).getByRole('cell').allTextContents()).resolves.toEqual([
      'Maria das Dores Teste',
      `***.${document.slice(3, 6)}.${document.slice(6, 9)}-**`,
      'C-2002',
      'Em dia',
    ]);
    await page.context().close();
  }, 60_000);

  it('when an operator suspends on request, enables and cancels a service (cancel confirmed), then the status follows; a move the status no longer allows is refused in words', async () => {
    const services = async () => (await system.api<{ services: Array<{ id: string; authLogin: string | null; status: string }> }>('subscriptions', 'GET', `/v1/customers/${ids.maria}`)).services;
    const statusOf = async (login: string) => (await services()).find((s) => s.authLogin === login)?.status;
    const page = await newPage();
    await logIn(page, 'otavio', 'otavio-password-123');
    await page.goto(`${system.consoleUrl}/clientes/${ids.maria}`);
    const service = page.getByRole('article', { name: 'Serviço maria.fibra' });
    const heading = service.getByRole('heading');
    const actions = service.getByRole('group', { name: 'Situação do serviço' });
    // The plan's name arrives after the service: wait for it.
    await service.getByRole('heading', { name: 'Serviço maria.fibra · Fibra 300 · Habilitado' }).waitFor();
    await expect(heading.textContent()).resolves.toBe('Serviço maria.fibra · Fibra 300 · Habilitado');
    expect(await actions.getByRole('button').allTextContents()).toEqual(['Suspender a pedido', 'Cancelar serviço']);

    await actions.getByRole('button', { name: 'Suspender a pedido' }).click();
    await service.getByRole('heading', { name: 'Serviço maria.fibra · Fibra 300 · Suspenso a pedido' }).waitFor();
    expect(await statusOf('maria.fibra')).toBe('suspended_request');
    expect(await actions.getByRole('button').allTextContents()).toEqual(['Habilitar', 'Cancelar serviço']);
    await shot(page, '20-service-suspended-on-request');
    await actions.getByRole('button', { name: 'Habilitar' }).click();
    await service.getByRole('heading', { name: 'Serviço maria.fibra · Fibra 300 · Habilitado' }).waitFor();
    expect(await statusOf('maria.fibra')).toBe('enabled');

    // Cancelar asks first; Voltar leaves the service as it was.
    await actions.getByRole('button', { name: 'Cancelar serviço' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancelar o serviço maria.fibra · Fibra 300?' });
    await dialog.getByText('O cancelamento é definitivo').waitFor();
    await expectAccessible(page, 'cancel-service-dialog');
    await shot(page, '21-cancel-service-confirm');
    await dialog.getByRole('button', { name: 'Voltar' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf('maria.fibra')).toBe('enabled');
    await actions.getByRole('button', { name: 'Cancelar serviço' }).click();
    await dialog.getByLabel('Motivo (opcional, vai para o histórico)').fill('Mudou de cidade');
    await dialog.getByRole('button', { name: 'Sim, cancelar o serviço' }).click();
    await service.getByRole('heading', { name: 'Serviço maria.fibra · Fibra 300 · Cancelado' }).waitFor();
    expect(await statusOf('maria.fibra')).toBe('cancelled');
    // Final: no more moves, no more packages to add.
    expect(await service.getByRole('group', { name: 'Situação do serviço' }).count()).toBe(0);
    expect(await service.getByRole('button', { name: 'Adicionar Pacotes' }).count()).toBe(0);
    expect(await service.getByRole('button', { name: 'Remover' }).count()).toBe(0);
    await page.getByTestId('history').getByRole('row', { name: /maria\.fibra.*passou de .+ para .+ — motivo: Mudou de cidade/ }).waitFor();

    // Another service, cancelled behind the screen's back: Suspender a pedido is refused, in words, and the card shows it cancelled.
    const other = await system.api<{ id: string }>('subscriptions', 'POST', `/v1/customers/${ids.maria}/services`, { status: 'enabled', authLogin: 'maria.casa', authPassword: 'pppoe-password-4' });
    await page.reload();
    const home = page.getByRole('article', { name: 'Serviço maria.casa' });
    await home.getByRole('heading', { name: 'Serviço maria.casa · sem plano · Habilitado' }).waitFor();
    await system.api('subscriptions', 'POST', `/v1/services/${other.id}/status`, { status: 'cancelled' });
    await home.getByRole('button', { name: 'Suspender a pedido' }).click();
    await expect(home.getByRole('alert').textContent()).resolves.toBe(
      'A operação falhou: O serviço não pode passar para esta situação a partir da atual (ela pode ter mudado enquanto a tela estava aberta: veja a situação atualizada).',
    );
    await home.getByRole('heading', { name: 'Serviço maria.casa · sem plano · Cancelado' }).waitFor();
    expect(await statusOf('maria.casa')).toBe('cancelled');
    await expectAccessible(page, 'service-status-refused');
    await shot(page, '22-service-status-refused');
    await page.context().close();
  }, 60_000);

  it('when support opens a customer, then it sees no change buttons, and a forged change is refused by the server', async () => {
    const page = await newPage();
    await logIn(page, 'sonia', 'sonia-password-123');
    await page.goto(`${system.consoleUrl}/clientes/${ids.customer}`);
    await page.getByText('Música (Mumo) (do plano)').waitFor();
    await page.getByRole('cell', { name: 'R$ 7,50', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Adicionar Pacotes' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remover' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Novo serviço' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Situação do serviço' }).count()).toBe(0);
    const status = await page.evaluate(async ([serviceUrl, body]) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      return (await fetch(serviceUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body })).status;
    }, [`/api/subscriptions/v1/customers`, JSON.stringify({ name: 'Forjado', document: '529.982.247-25' })]);
    expect(status).toBe(403);
    await shot(page, '11-support-customer');
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByRole('button', { name: 'Buscar' }).waitFor();
    expect(await page.getByRole('button', { name: 'Novo cliente' }).count()).toBe(0);
    await page.context().close();
  });

  it('when searching by a name typed without accents and in another case, by login, CPF or code, then the customer is found; a short name is refused beside the field; results page with Próxima página', async () => {
    // More namesakes than one page holds (20), for the pagination.
    for (let n = 1; n <= 23; n += 1) {
      await system.api('subscriptions', 'POST', '/v1/customers', { name: `Conceição Paginação ${String(n).padStart(2, '0')}`, document: cpf(n) });
    }
    const page = await newPage();
    await logIn(page, 'otavio', 'otavio-password-123');
    await page.getByRole('link', { name: 'Clientes' }).click();
    const searchBy = page.getByLabel('Buscar por');
    const search = page.getByRole('button', { name: 'Buscar' });
    const results = page.getByRole('table', { name: /Resultados/ });

    // Name: no accents, another case, part of the name; the document shows only masked.
    await expect(searchBy.inputValue()).resolves.toBe('name');
    await page.getByLabel('Nome', { exact: true }).fill('JOAO souz');
    await search.click();
    await results.getByRole('link', { name: 'João Souza' }).waitFor();
    await expect(results.getByRole('row', { name: /João Souza/ }).textContent()).resolves.toContain('***.444.777-**');
    expect(await results.getByRole('row').count()).toBe(2);
    // One page only: no pager.
    expect(await page.getByRole('navigation', { name: 'Paginação dos resultados' }).count()).toBe(0);
    await expectAccessible(page, 'customers-search-name');
    await shot(page, '12-customers-search-name');

    // Network login of one of the customer's services.
    await searchBy.selectOption('login');
    await page.getByLabel('Login', { exact: true }).fill('joao.casa');
    await search.click();
    await results.getByRole('link', { name: 'João Souza' }).waitFor();

    // CPF without punctuation, customer code; an unknown code finds nobody.
    await searchBy.selectOption('document');
    await page.getByLabel('CPF/CNPJ', { exact: true }).fill('11144477735');
    await search.click();
    await results.getByRole('link', { name: 'João Souza' }).waitFor();
    await searchBy.selectOption('code');
    await page.getByLabel('Código', { exact: true }).fill('C-1001');
    await search.click();
    await results.getByRole('link', { name: 'João Souza' }).waitFor();
    await page.getByLabel('Código', { exact: true }).fill('C-9999');
    await search.click();
    await page.getByText('Nenhum cliente encontrado.').waitFor();

    // A name term too short: the API's refusal shows beside the field, in Portuguese.
    await searchBy.selectOption('name');
    await page.getByLabel('Nome', { exact: true }).fill('jo');
    await search.click();
    await page.locator('.field-error').waitFor();
    await expect(page.locator('.field-error').textContent()).resolves.toBe('Digite ao menos 3 letras ou números (acentos e espaços não contam).');
    await expect(page.getByRole('alert').first().textContent()).resolves.toBeTruthy();
    await expectAccessible(page, 'customers-search-refused');
    await shot(page, '13-customers-search-short-name');

    // 23 namesakes: 20 on the first page in name order, then Próxima página, 3 on the second.
    await page.getByLabel('Nome', { exact: true }).fill('conceicao paginacao');
    await search.click();
    await page.getByRole('table', { name: 'Resultados — página 1' }).waitFor();
    const names = async () => (await results.getByRole('link').allTextContents());
    expect(await names()).toEqual(Array.from({ length: 20 }, (_, i) => `Conceição Paginação ${String(i + 1).padStart(2, '0')}`));
    await expect(page.getByRole('button', { name: 'Página anterior' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Próxima página' }).click();
    await page.getByRole('table', { name: 'Resultados — página 2' }).waitFor();
    expect(await names()).toEqual(['Conceição Paginação 21', 'Conceição Paginação 22', 'Conceição Paginação 23']);
    await expect(page.getByRole('button', { name: 'Próxima página' }).isDisabled()).resolves.toBe(true);
    await expectAccessible(page, 'customers-search-page-2');
    await shot(page, '14-customers-search-page-2');
    await page.getByRole('button', { name: 'Página anterior' }).click();
    await page.getByRole('table', { name: 'Resultados — página 1' }).waitFor();
    await page.context().close();
  });

  it('when the language is switched to English, then menus, labels and money follow', async () => {
    const page = await newPage();
    await logIn(page, 'otavio', 'otavio-password-123');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('link', { name: 'Customers' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Search by').selectOption('login');
    await page.getByLabel('Login', { exact: true }).fill('joao.souza');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table', { name: 'Results — page 1' }).getByRole('link', { name: 'João Souza' }).waitFor();
    await page.goto(`${system.consoleUrl}/clientes/${ids.customer}`);
    await page.getByText("Customer's services").waitFor();
    await expect(page.getByRole('article', { name: 'Service joao.casa' }).getByRole('row', { name: /Leitura/ }).textContent()).resolves.toContain('R$7.50');
    await page.getByTestId('history').getByRole('row', { name: /Customer registered/ }).waitFor();
    await expectAccessible(page, 'customer-en');
    await shot(page, '15-customer-english');
    // The report in English: month names, headers and the download button follow.
    await page.getByRole('link', { name: 'Active subscribers per month' }).click();
    await page.getByLabel('Month', { exact: true }).selectOption(providerMonth());
    const table = page.getByRole('table', { name: /^Active subscribers in [A-Z][a-z]+ \d{4}$/ });
    await table.waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Integration', 'Product', 'Active subscribers']);
    await page.getByRole('button', { name: 'Download CSV' }).waitFor();
    await page.context().close();
  });

  it('when the admin edits the integration, rotates its secret and opens its products, then the catalog has the change, the new secret shows once with a copy button, and the products page by page, inactive ones marked', async () => {
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);
    await page.getByRole('link', { name: 'Plataformas de Conteúdo' }).click();
    const row = page.getByRole('row', { name: /NEO \(e2e\)/ });
    await row.getByRole('button', { name: 'Editar' }).click();
    const form = page.getByRole('form', { name: 'Editar integração' });
    const errorOf = (label: string) => form.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    await expect(form.getByLabel('Descrição').inputValue()).resolves.toBe('NEO (e2e)');
    await expect(form.getByLabel('Campo de login').inputValue()).resolves.toBe('login_autenticacao');
    // A bad URL: the catalog's refusal beside the field, in Portuguese; nothing changes.
    await form.getByLabel('URL da plataforma').fill('nota uma url');
    await form.getByLabel('Descrição').fill('NEO (e2e) streaming');
    await form.getByRole('button', { name: 'Salvar' }).click();
    await expect(errorOf('URL da plataforma').textContent()).resolves.toContain('Formato do URL inválido');
    await expectAccessible(page, 'integration-edit-refused');
    await shot(page, '23-integration-edit-field-error');
    expect((await system.api<{ description: string }>('catalog', 'GET', `/v1/integrations/${ids.integration}`)).description).toBe('NEO (e2e)');
    await form.getByLabel('URL da plataforma').fill(system.neo.baseUrl);
    await form.getByLabel('Pacotes exclusivos').check();
    await form.getByRole('button', { name: 'Salvar' }).click();
    await form.waitFor({ state: 'hidden' });
    const edited = await system.api<{ description: string; exclusivePackages: boolean; platform: { baseUrl: string; clientSecretSet: boolean } }>('catalog', 'GET', `/v1/integrations/${ids.integration}`);
    expect(edited).toMatchObject({ description: 'NEO (e2e) streaming', exclusivePackages: true, platform: { baseUrl: system.neo.baseUrl, clientSecretSet: true } });
    const editedRow = page.getByRole('row', { name: /NEO \(e2e\) streaming/ });
    await expect(editedRow.textContent()).resolves.toContain('Pacotes exclusivos');

    // Gerar novo segredo: asked first, then the new secret and URL shown once, with copy buttons.
    await editedRow.getByRole('button', { name: 'Gerar novo segredo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Gerar um novo segredo de retorno para NEO (e2e) streaming?' });
    await dialog.getByText('O segredo anterior continua valendo').waitFor();
    await expectAccessible(page, 'rotate-secret-dialog');
    await shot(page, '24-integration-rotate-confirm');
    await dialog.getByRole('button', { name: 'Sim, gerar novo segredo' }).click();
    const once = page.getByTestId('secret-once');
    const secret = (await once.getByTestId('callback-secret').textContent())!;
    expect(secret).toMatch(/\S{20,}/);
    expect(neo.callbackUrl).not.toContain(secret);
    const callbackUrl = (await once.locator('code').nth(1).textContent())!;
    expect(callbackUrl).toContain(secret);
    await once.getByRole('button', { name: 'Copiar segredo' }).waitFor();
    await once.getByRole('button', { name: 'Copiar', exact: true }).waitFor();
    await expectAccessible(page, 'rotate-secret-once');
    await shot(page, '25-integration-secret-rotated');
    await once.getByRole('button', { name: 'OK' }).click();
    // Never again: not on the page once dismissed, nor after a reload.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('row', { name: /NEO \(e2e\) streaming/ }).waitFor();
    expect(await page.content()).not.toContain(secret);
    // NEO configured with the new URL is answered.
    neo.callbackUrl = callbackUrl;
    expect(await authorised('mumo')).toBe(true);

    // NEO lists 19 more products and drops Leiturinha; Sincronizar, then the products page by page.
    for (let n = 1; n <= 19; n += 1) {
      const answer = await fetch(`${system.neo.baseUrl}/control/v1/products`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `extra-${String(n).padStart(2, '0')}`, name: `Extra ${n}` }) });
      expect(answer.status).toBe(201);
    }
    expect((await fetch(`${system.neo.baseUrl}/control/v1/products/leiturinha`, { method: 'DELETE' })).status).toBe(200);
    const synced = page.getByRole('row', { name: /NEO \(e2e\) streaming/ });
    await synced.getByRole('button', { name: 'Sincronizar' }).click();
    await synced.getByText('Produtos: 19 adicionados, 0 atualizados, 1 desativados, 2 sem alteração.').waitFor();
    await synced.getByRole('button', { name: 'Produtos' }).click();
    const section = page.getByRole('region', { name: 'Produtos da integração NEO (e2e) streaming' });
    const first = await system.api<{ items: Array<{ code: string }>; nextCursor: string | null }>('catalog', 'GET', `/v1/integrations/${ids.integration}/products?limit=20`);
    const second = await system.api<{ items: Array<{ code: string }> }>('catalog', 'GET', `/v1/integrations/${ids.integration}/products?limit=20&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(first.items.length + second.items.length).toBe(22);
    const table = section.getByRole('table');
    await section.getByRole('table', { name: 'Produtos — página 1' }).waitFor();
    const codes = async () => (await table.locator('tbody tr td:first-child').allTextContents());
    expect(await codes()).toEqual(first.items.map((p) => p.code));
    await section.getByRole('button', { name: 'Próxima página' }).click();
    await section.getByRole('table', { name: 'Produtos — página 2' }).waitFor();
    expect(await codes()).toEqual(second.items.map((p) => p.code));
    await expect(section.getByRole('row', { name: /leiturinha/ }).textContent()).resolves.toContain('Inativo');
    await expect(section.getByRole('row', { name: /mumo/ }).textContent()).resolves.toContain('Ativo');
    await expectAccessible(page, 'integration-products');
    await shot(page, '26-integration-products-page-2');
    await section.getByLabel('Mostrar').selectOption('false');
    await section.getByRole('table', { name: 'Produtos — página 1' }).waitFor();
    await expect.poll(codes).toEqual(['leiturinha']);
    await page.context().close();
  }, 90_000);

  it('when the admin makes a package whose fiscal composition does not add up, then the form refuses it before sending, shows the catalog\'s refusal beside the component, and saves it once it adds up with only active products of the integration', async () => {
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);
    await page.getByRole('link', { name: 'Pacotes' }).click();
    await page.getByRole('button', { name: 'Novo pacote' }).click();
    const form = page.getByRole('form', { name: 'Novo pacote' });
    await form.getByLabel('Descrição').fill('Combo Música');
    await form.getByLabel('Valor (R$)').fill('29,90');
    // Tabs (WAI-ARIA): Dados, Composição fiscal, Integração; → moves to the next one, and focus follows.
    const tabs = form.getByRole('tablist', { name: 'Partes do pacote' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Dados', 'Composição fiscal', 'Integração']);
    const tab = (name: string) => tabs.getByRole('tab', { name });
    await expect(tab('Dados').getAttribute('aria-selected')).resolves.toBe('true');
    await tab('Dados').press('ArrowRight');
    await expect(tab('Composição fiscal').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(tab('Dados').getAttribute('aria-selected')).resolves.toBe('false');
    expect(await tab('Composição fiscal').evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await form.getByLabel('Descrição').isVisible()).toBe(false);
    await form.getByRole('tabpanel', { name: 'Composição fiscal' }).getByRole('button', { name: 'Adicionar componente' }).waitFor();
    const total = form.getByTestId('composition-total');
    await expect(total.textContent()).resolves.toBe('Total da composição: R$ 29,90 de R$ 29,90');
    // R$ 10,00 SCM fixed, then 60 % SVA of what is left: R$ 10,00 + R$ 11,94.
    await form.getByLabel('Tipo · Componente 1').selectOption('scm');
    await form.getByLabel('Código de serviço fiscal · Componente 1').fill('SCM-01');
    await form.getByLabel('Parcela · Componente 1').selectOption('amount');
    await form.getByLabel('Parcela do componente 1').fill('10,00');
    await form.getByRole('button', { name: 'Adicionar componente' }).click();
    await form.getByLabel('Código de serviço fiscal · Componente 2').fill('1.09');
    await form.getByLabel('Parcela do componente 2').fill('60');
    await expect(total.textContent()).resolves.toBe('Total da composição: R$ 21,94 de R$ 29,90');
    // Sent from another tab: the form shows the tab with the refusal, marked.
    await tab('Dados').click();
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    await expect(form.getByTestId('composition-error').textContent()).resolves.toBe('Os percentuais somam 60%: precisam somar exatamente 100%.');
    await form.getByTestId('composition-error').waitFor({ state: 'visible' });
    await expect(tab('Composição fiscal').getAttribute('aria-selected')).resolves.toBe('true');
    await tabs.getByRole('tab', { name: 'Composição fiscal (com erros)' }).waitFor();
    await expectAccessible(page, 'package-composition-refused');
    await shot(page, '27-package-composition-refused');
    const described = async (description: string) => (await system.api<{ items: Array<{ description: string }> }>('catalog', 'GET', `/v1/packages?q=${encodeURIComponent(description)}`)).items;
    expect(await described('Combo Música')).toEqual([]);

    // 40 % more under the same service code: it adds up, so it is sent, and the catalog refuses the repeated code beside component 3.
    await form.getByRole('button', { name: 'Adicionar componente' }).click();
    await form.getByLabel('Código de serviço fiscal · Componente 3').fill('1.09');
    await form.getByLabel('Parcela do componente 3').fill('40');
    await expect(total.textContent()).resolves.toBe('Total da composição: R$ 29,90 de R$ 29,90');
    // The catalog's refusal of a field in a hidden tab brings that tab back.
    await tab('Integração').click();
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    const row3 = form.getByTestId('component-3');
    await expect(row3.locator('.field-error').textContent()).resolves.toContain('1.09');
    await row3.locator('.field-error').waitFor({ state: 'visible' });
    await expect(tab('Composição fiscal').getAttribute('aria-selected')).resolves.toBe('true');
    await form.getByRole('alert').filter({ hasText: 'A operação falhou' }).waitFor();
    await shot(page, '28-package-composition-api-refusal');
    expect(await described('Combo Música')).toEqual([]);
    await form.getByLabel('Código de serviço fiscal · Componente 3').fill('1.10');
    // Once changed, the refused composition's messages go.
    expect(await row3.locator('.field-error').count()).toBe(0);
    expect(await form.getByRole('alert').filter({ hasText: 'A operação falhou' }).count()).toBe(0);

    // Integração: only the integration's synced, active products to pick (Leiturinha is gone from NEO).
    await tab('Integração').click();
    await form.getByLabel('Integração dos produtos').selectOption({ label: 'NEO (e2e) streaming' });
    const picker = form.getByTestId('product-picker');
    await picker.getByRole('checkbox').first().waitFor();
    const offered = async () => picker.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).name));
    // 21 active products, 20 a page: Kiddle ends the first one, Mumo is alone on the second; Leiturinha on neither.
    expect(await offered()).toEqual([...Array.from({ length: 19 }, (_, i) => `product-extra-${String(i + 1).padStart(2, '0')}`), 'product-kiddle']);
    await form.getByRole('navigation', { name: 'Páginas de produtos' }).getByRole('button', { name: 'Próxima página' }).click();
    await expect.poll(offered).toEqual(['product-mumo']);
    await picker.getByLabel('Mumo Música (mumo)').check();
    await form.getByTestId('grants-summary').getByText('NEO (e2e) streaming: mumo').waitFor();
    await expectAccessible(page, 'package-integration');
    await shot(page, '29-package-integration-products');
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    await form.waitFor({ state: 'hidden' });
    const made = await system.api<{ items: Array<{ id: string; priceCents: number; composition: Array<{ serviceCode: string; resolvedCents: number }>; grants: Array<{ integrationId: string; productCodes: string[] }> }> }>('catalog', 'GET', '/v1/packages?q=Combo');
    expect(made.items).toHaveLength(1);
    expect(made.items[0]!.composition.map((c) => [c.serviceCode, c.resolvedCents])).toEqual([['SCM-01', 1000], ['1.09', 1194], ['1.10', 796]]);
    expect(made.items[0]!.grants).toEqual([{ integrationId: ids.integration, productCodes: ['mumo'] }]);

    // Editar: a new price; the percentages follow, and the list shows it.
    const row = page.getByRole('row', { name: /Combo Música/ });
    await expect(row.textContent()).resolves.toContain('SCM SCM-01: R$ 10,00 · SVA 1.09: R$ 11,94 · SVA 1.10: R$ 7,96');
    await row.getByRole('button', { name: 'Editar' }).click();
    const edit = page.getByRole('form', { name: 'Editar pacote: Combo Música' });
    await edit.getByRole('tab', { name: 'Composição fiscal' }).click();
    await expect(edit.getByLabel('Parcela do componente 2').inputValue()).resolves.toBe('60');
    await edit.getByRole('tab', { name: 'Dados' }).click();
    await edit.getByLabel('Valor (R$)').fill('39,90');
    await edit.getByRole('tab', { name: 'Composição fiscal' }).click();
    await expect(edit.getByTestId('composition-total').textContent()).resolves.toBe('Total da composição: R$ 39,90 de R$ 39,90');
    await edit.getByRole('button', { name: 'Salvar' }).click();
    await edit.waitFor({ state: 'hidden' });
    await expect.poll(async () => page.getByRole('row', { name: /Combo Música/ }).textContent()).toContain('R$ 39,90');
    expect((await system.api<{ priceCents: number }>('catalog', 'GET', `/v1/packages/${made.items[0]!.id}`)).priceCents).toBe(3990);
    await expectAccessible(page, 'packages-edited');
    await shot(page, '30-packages-edited');
    await page.context().close();
  }, 90_000);

  it('when the admin makes a plan with its Pacotes tab (mandatory, trial days, lock), then a bad trial is refused beside its package and the catalog keeps what was typed', async () => {
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);
    await page.getByRole('link', { name: 'Serviços/Planos' }).click();
    await page.getByRole('button', { name: 'Novo plano' }).click();
    const form = page.getByRole('form', { name: 'Novo plano' });
    await form.getByLabel('Nome').fill('Fibra 500');
    await form.getByLabel('Download (Mbps)').fill('500');
    await form.getByLabel('Upload (Mbps)').fill('250');
    await form.getByLabel('Valor (R$)').fill('129,90');
    const tabs = form.getByRole('tablist', { name: 'Partes do plano' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Dados', 'Pacotes']);
    await tabs.getByRole('tab', { name: 'Pacotes' }).click();
    await expect(tabs.getByRole('tab', { name: 'Pacotes' }).getAttribute('aria-selected')).resolves.toBe('true');
    await form.getByLabel('Travar pacotes').check();
    await form.getByRole('button', { name: 'Adicionar pacote ao plano' }).click();
    await form.getByLabel('Pacote 1', { exact: true }).selectOption(ids.mumo!);
    await form.getByLabel('Obrigatório · Pacote 1').check();
    await form.getByRole('button', { name: 'Adicionar pacote ao plano' }).click();
    await form.getByLabel('Pacote 2', { exact: true }).selectOption(ids.kiddle!);
    await form.getByLabel('Dias de teste · Pacote 2').fill('sete');
    // Sent from Dados: the refusal is in Pacotes, so the form shows Pacotes, marked.
    await tabs.getByRole('tab', { name: 'Dados' }).press('ArrowLeft');
    await expect(tabs.getByRole('tab', { name: 'Pacotes' }).getAttribute('aria-selected')).resolves.toBe('true');
    await tabs.getByRole('tab', { name: 'Dados' }).click();
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    await tabs.getByRole('tab', { name: 'Pacotes (com erros)', selected: true }).waitFor();
    // Days in words are refused by the form itself, beside the trial, in Portuguese; nothing reaches the catalog.
    await expect(form.getByTestId('plan-package-2').locator('.field-error').textContent()).resolves.toBe('Informe um número inteiro de dias (0 ou mais).');
    expect(await form.getByTestId('plan-package-1').locator('.field-error').count()).toBe(0);
    await expect(form.getByLabel('Dias de teste · Pacote 2').getAttribute('aria-invalid')).resolves.toBe('true');
    await form.getByRole('alert').filter({ hasText: 'nada foi enviado' }).waitFor();
    expect((await system.api<{ items: unknown[] }>('catalog', 'GET', '/v1/plans?q=Fibra%20500')).items).toEqual([]);
    await expectAccessible(page, 'plan-form-refused');
    await shot(page, '31-plan-form-refused');
    await form.getByLabel('Dias de teste · Pacote 2').fill('7');
    await form.getByRole('button', { name: 'Cadastrar' }).click();
    await form.waitFor({ state: 'hidden' });
    const plans = await system.api<{ items: Array<{ id: string; name: string; lockPackages: boolean; downloadMbps: number; priceCents: number; packages: Array<{ packageId: string; mandatory: boolean; trialDays: number }> }> }>('catalog', 'GET', '/v1/plans?q=Fibra%20500');
    expect(plans.items).toHaveLength(1);
    expect(plans.items[0]).toMatchObject({ lockPackages: true, downloadMbps: 500, priceCents: 12_990, packages: [{ packageId: ids.mumo, mandatory: true, trialDays: 0 }, { packageId: ids.kiddle, mandatory: false, trialDays: 7 }] });
    await expect(page.getByRole('row', { name: /Fibra 500/ }).textContent()).resolves.toMatch(/500\/250 Mbps.*R\$ 129,90.*Sim.*Música \(Mumo\) · Obrigatório.*Kids \(Kiddle\) · Dias de teste: 7/);

    // Editar: unlock, drop the trial package.
    await page.getByRole('row', { name: /Fibra 500/ }).getByRole('button', { name: 'Editar' }).click();
    const edit = page.getByRole('form', { name: 'Editar plano: Fibra 500' });
    await edit.getByRole('tab', { name: 'Pacotes' }).click();
    await expect(edit.getByLabel('Travar pacotes').isChecked()).resolves.toBe(true);
    await edit.getByLabel('Travar pacotes').uncheck();
    await edit.getByRole('button', { name: 'Remover · Pacote 2' }).click();
    await edit.getByRole('button', { name: 'Salvar' }).click();
    await edit.waitFor({ state: 'hidden' });
    const saved = await system.api<{ lockPackages: boolean; packages: unknown[] }>('catalog', 'GET', `/v1/plans/${plans.items[0]!.id}`);
    expect(saved).toMatchObject({ lockPackages: false, packages: [{ packageId: ids.mumo, mandatory: true, trialDays: 0 }] });
    await expect.poll(async () => page.getByRole('row', { name: /Fibra 500/ }).textContent()).toMatch(/Não.*Música \(Mumo\) · ObrigatórioEditar$/);
    await expectAccessible(page, 'plans-edited');
    await shot(page, '32-plans-edited');
    await page.context().close();
  }, 60_000);

  it('when support opens the customer page, then the platform\'s recent decisions show newest first, a page at a time, with their reasons in words', async () => {
    // A few more of NEO's questions about João: allowed ones (mumo) and refused ones (a product he lacks).
    for (let n = 0; n < 6; n += 1) {
      for (const product of ['mumo', 'extra-01']) await fetch(`${neo.callbackUrl}/authorise?subscriber_id=${encodeURIComponent(neo.subscriberId!)}&product=${product}`);
    }
    const stored = await eventually(async () => {
      const answer = await system.api<{ items: Array<{ product: string; allowed: boolean }>; nextCursor: string | null }>('subscriptions', 'GET', `/v1/customers/${ids.customer}/decisions?limit=10`);
      if (!answer.nextCursor || !answer.items.some((d) => d.product === 'extra-01')) throw new Error('not recorded yet');
      return answer;
    }, 20_000);
    const page = await newPage();
    await logIn(page, 'sonia', 'sonia-password-123');
    await page.goto(`${system.consoleUrl}/clientes/${ids.customer}`);
    const section = page.getByTestId('decisions');
    await section.getByRole('table', { name: 'Decisões — página 1' }).waitFor();
    const rows = section.locator('tbody tr');
    expect(await rows.count()).toBe(10);
    expect(await section.getByRole('columnheader').allTextContents()).toEqual(['Quando', 'Código do produto', 'ID do assinante', 'Resposta', 'Motivo']);
    const shown = await system.api<{ items: Array<{ product: string }> }>('subscriptions', 'GET', `/v1/customers/${ids.customer}/decisions?limit=10`);
    expect(shown.items.length).toBe(stored.items.length);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(shown.items.map((d) => d.product));
    await expect(section.getByRole('row', { name: /extra-01/ }).first().textContent()).resolves.toMatch(/Bloqueado.*sem pacote com o produto/);
    await expect(section.getByRole('row', { name: /mumo/ }).first().textContent()).resolves.toMatch(/Liberado.*assinante do produto/);
    await expectAccessible(page, 'customer-decisions');
    await section.getByRole('button', { name: 'Próxima página' }).click();
    await section.getByRole('table', { name: 'Decisões — página 2' }).waitFor();
    await expect(section.getByRole('button', { name: 'Página anterior' }).isDisabled()).resolves.toBe(false);
    await section.screenshot({ path: `${shots}33-customer-decisions-page-2.png` });
    await page.context().close();
  }, 60_000);

  it('when the admin opens Configuração › Cobrança, then billing-status\'s settings show, a bad time is refused beside its field, and saved values are what billing-status keeps; support only reads them', async () => {
    const before = await system.api<{ graceDays: number; maxTrustUnblockDays: number; dailyEvaluationTime: string; timeZone: string }>('billing', 'GET', '/v1/settings');
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);
    await page.getByRole('link', { name: 'Cobrança' }).click();
    const form = page.getByRole('form', { name: 'Cobrança' });
    await expect(form.getByLabel('Dias de carência').inputValue()).resolves.toBe(String(before.graceDays));
    await expect(form.getByLabel('Fuso horário').inputValue()).resolves.toBe(before.timeZone);
    await expect(form.getByLabel('Horário da avaliação diária').inputValue()).resolves.toBe(before.dailyEvaluationTime);
    const errorOf = (label: string) => form.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    await form.getByLabel('Horário da avaliação diária').fill('25:00');
    await form.getByLabel('Dias de carência').fill('5');
    await form.getByRole('button', { name: 'Salvar' }).click();
    await expect(errorOf('Horário da avaliação diária').textContent()).resolves.toMatch(/\S/);
    expect(await errorOf('Dias de carência').count()).toBe(0);
    await expectAccessible(page, 'billing-settings-refused');
    await shot(page, '34-billing-settings-refused');
    expect((await system.api<{ graceDays: number }>('billing', 'GET', '/v1/settings')).graceDays).toBe(before.graceDays);
    // Days in words: refused by the form beside the field, before anything is sent.
    await form.getByLabel('Dias de carência').fill('cinco');
    await form.getByRole('button', { name: 'Salvar' }).click();
    await expect(errorOf('Dias de carência').textContent()).resolves.toBe('Informe um número inteiro de dias (0 ou mais).');
    await form.getByLabel('Dias de carência').fill('5');
    await form.getByLabel('Horário da avaliação diária').fill('07:30');
    await form.getByRole('button', { name: 'Salvar' }).click();
    await form.getByText('Configurações salvas.').waitFor();
    expect(await system.api('billing', 'GET', '/v1/settings')).toMatchObject({ graceDays: 5, dailyEvaluationTime: '07:30', maxTrustUnblockDays: before.maxTrustUnblockDays, timeZone: before.timeZone, source: 'stored' });
    await form.getByText(/^Salvos em \d{2}\/\d{2}\/\d{4}/).waitFor();
    await shot(page, '35-billing-settings-saved');
    await page.context().close();

    const support = await newPage();
    await logIn(support, 'sonia', 'sonia-password-123');
    await support.getByRole('link', { name: 'Cobrança' }).click();
    const read = support.getByRole('form', { name: 'Cobrança' });
    await expect(read.getByLabel('Dias de carência').inputValue()).resolves.toBe('5');
    expect(await read.getByLabel('Dias de carência').getAttribute('readonly')).not.toBeNull();
    expect(await read.getByRole('button', { name: 'Salvar' }).count()).toBe(0);
    await expectAccessible(support, 'billing-settings-support');
    await support.context().close();
  }, 60_000);

  it('when there are more packages than a page holds, then Configuração › Pacotes shows 20, and Próxima página the rest, oldest first, none twice', async () => {
    // Last in the file: the packages the earlier steps look for stay on the first page (the catalog lists oldest first).
    for (let n = 1; n <= 20; n += 1) {
      await system.api('catalog', 'POST', '/v1/packages', {
        description: `Pacote paginado ${String(n).padStart(2, '0')}`,
        priceCents: 500 + n,
        composition: [{ kind: 'sva', serviceCode: 'SVA-01', share: { percent: 100 } }],
        grants: [],
      });
    }
    const all = (await system.api<{ items: Array<{ description: string }>; nextCursor: string | null }>('catalog', 'GET', '/v1/packages?limit=100')).items.map((p) => p.description);
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThanOrEqual(40);
    const page = await newPage();
    await logIn(page, 'admin', system.adminPassword);
    await page.getByRole('link', { name: 'Pacotes' }).click();
    const first = page.getByRole('table', { name: 'Pacotes — página 1' });
    await first.locator('tbody tr').first().waitFor();
    const descriptions = (table: typeof first) => table.locator('tbody tr td:first-child').allTextContents();
    const one = await descriptions(first);
    expect(one).toEqual(all.slice(0, 20));
    const pager = page.getByRole('navigation', { name: 'Páginas de pacotes' });
    await expect(pager.getByRole('button', { name: 'Página anterior' }).isDisabled()).resolves.toBe(true);
    await pager.getByRole('button', { name: 'Próxima página' }).click();
    const second = page.getByRole('table', { name: 'Pacotes — página 2' });
    await second.locator('tbody tr').first().waitFor();
    const two = await descriptions(second);
    expect(two).toEqual(all.slice(20));
    expect(new Set([...one, ...two]).size).toBe(one.length + two.length);
    await expect(pager.getByRole('button', { name: 'Próxima página' }).isDisabled()).resolves.toBe(true);
    await expectAccessible(page, 'packages-page-2');
    await shot(page, '36-packages-page-2');
    await pager.getByRole('button', { name: 'Página anterior' }).click();
    await expect.poll(async () => descriptions(page.getByRole('table', { name: 'Pacotes — página 1' }))).toEqual(all.slice(0, 20));
    await page.context().close();
  }, 60_000);
});
