import { useQuery } from '@tanstack/react-query';
import { catalog, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Page, ProblemMessage } from '../../shared/ui.tsx';

/** Configuração › Serviços/Planos: the plans and their Pacotes tab (mandatory, trial days, lock; R6). */
export function PlansPage() {
  const { t, m, money } = useI18n();
  const plans = useQuery({ queryKey: ['plans'], queryFn: () => unwrap(catalog.GET('/v1/plans', { params: { query: { limit: 100 } } })) });
  const packages = useQuery({ queryKey: ['packages'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { limit: 100 } } })) });
  const describe = (id: string) => packages.data?.items.find((p) => p.id === id)?.description ?? id;
  return (
    <Page title={`${m.configuration} › ${m.plans}`}>
      <ProblemMessage error={plans.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('speed')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('lockPackages')}</th>
            <th scope="col">{t('packages')}</th>
          </tr>
        </thead>
        <tbody>
          {plans.data?.items.map((plan) => (
            <tr key={plan.id}>
              <td>{plan.name}</td>
              <td>
                {plan.downloadMbps}/{plan.uploadMbps} Mbps
              </td>
              <td className="number">{money(plan.priceCents)}</td>
              <td>{plan.lockPackages ? t('yes') : t('no')}</td>
              <td>
                <ul className="plain">
                  {plan.packages.map((entry) => (
                    <li key={entry.packageId}>
                      {describe(entry.packageId)}
                      {entry.mandatory ? ` · ${t('mandatory')}` : ''}
                      {entry.trialDays > 0 ? ` · ${t('trialDays')}: ${entry.trialDays}` : ''}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
