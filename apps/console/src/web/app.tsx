import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { LoginPage } from './features/auth/login-page.tsx';
import { useSession, useSessionActions } from './features/auth/session.ts';
import { BillingSettingsPage } from './features/billing-settings/billing-settings-page.tsx';
import { CustomerPage } from './features/customers/customer-page.tsx';
import { CustomersPage } from './features/customers/customers-page.tsx';
import { DemoClockControl } from './features/demo-clock/demo-clock.tsx';
import { IntegrationsPage } from './features/integrations/integrations-page.tsx';
import { PackagesPage } from './features/packages/packages-page.tsx';
import { PlansPage } from './features/plans/plans-page.tsx';
import { ReportsPage } from './features/reports/reports-page.tsx';
import { useI18n } from './shared/i18n.tsx';

function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="language">
      {t('language')}{' '}
      <select value={locale} onChange={(e) => setLocale(e.target.value === 'en' ? 'en' : 'pt-BR')}>
        <option value="pt-BR">Português (Brasil)</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

/** The menus follow the source manual's, so an operator used to it finds the same path. */
function Menu() {
  const { m } = useI18n();
  const [location] = useLocation();
  const item = (href: string, label: string) => (
    <li>
      <Link href={href} aria-current={location.startsWith(href) ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label={m.menu}>
      <ul>
        <li>
          <span className="menu-group">{m.configuration}</span>
          <ul>
            <li>
              <span className="menu-group">{m.integrations}</span>
              <ul>{item('/configuracao/integracoes', m.contentPlatforms)}</ul>
            </li>
            {item('/configuracao/pacotes', m.packages)}
            {item('/configuracao/planos', m.plans)}
            {item('/configuracao/cobranca', m.billingSettings)}
          </ul>
        </li>
        {item('/clientes', m.customers)}
        <li>
          <span className="menu-group">{m.reports}</span>
          <ul>{item('/relatorios/assinantes-ativos', m.activeSubscribersReport)}</ul>
        </li>
      </ul>
    </nav>
  );
}

export function App() {
  const { t, m } = useI18n();
  const session = useSession();
  const { logout } = useSessionActions();
  if (session.isPending) return <p>{t('loading')}</p>;
  if (!session.data) {
    return (
      <>
        <header className="top">
          <span className="brand">{t('appName')}</span>
          <LanguageSwitch />
        </header>
        <LoginPage />
      </>
    );
  }
  const role = session.data.operator.role;
  const admin = role === 'admin';
  const operates = role !== 'support';
  return (
    <>
      <header className="top">
        <span className="brand">{t('appName')}</span>
        <LanguageSwitch />
        <span>
          {t('loggedInAs')} <strong>{session.data.operator.username}</strong> ({m.roles[role]})
        </span>
        <button type="button" onClick={() => void logout()}>
          {t('logout')}
        </button>
      </header>
      <div className="layout">
        <Menu />
        <main>
          {session.data.demoClock && <DemoClockControl />}
          <Switch>
            <Route path="/configuracao/integracoes">
              <IntegrationsPage canChange={admin} />
            </Route>
            <Route path="/configuracao/pacotes">
              <PackagesPage canChange={admin} />
            </Route>
            <Route path="/configuracao/planos">
              <PlansPage canChange={admin} />
            </Route>
            <Route path="/configuracao/cobranca">
              <BillingSettingsPage canChange={admin} />
            </Route>
            <Route path="/clientes/:id">{(params) => <CustomerPage id={params.id} canChange={operates} />}</Route>
            <Route path="/clientes">
              <CustomersPage canChange={operates} />
            </Route>
            <Route path="/relatorios/assinantes-ativos">
              <ReportsPage />
            </Route>
            <Route>
              <Redirect to="/clientes" />
            </Route>
          </Switch>
        </main>
      </div>
    </>
  );
}
