import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/catalog.d.ts';
import { catalog, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { parseMoney } from '../../shared/money.ts';
import { parseWhole, refuseInvalidFields } from '../../shared/number-input.ts';
import { Tabs, useFormTabs } from '../../shared/tabs.tsx';
import { CheckboxField, Field, fieldError, fieldErrorUnder, FormCard, Page, Pager, ProblemMessage, problemOf, useCursorPages } from '../../shared/ui.tsx';

type Plan = operations['getPlans']['responses'][200]['content']['application/json']['items'][number];
interface PlanPackageDraft {
  readonly packageId: string;
  readonly mandatory: boolean;
  /** As typed; `0` or blank is no trial (R11). */
  readonly trialDays: string;
}

/** The plans a page, oldest first (the catalog's order). */
const LIST_PAGE = 20;

/** Configuração › Serviços/Planos: the plans, new and edit, with the Pacotes tab (mandatory, trial days, lock; R6, R8, R9, R11). */
export function PlansPage({ canChange }: { canChange: boolean }) {
  const { t, m, money } = useI18n();
  const pages = useCursorPages();
  // Its own key under ['plans'], so the invalidation after a create or edit reaches every page.
  const plans = useQuery({
    queryKey: ['plans', 'page', pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(catalog.GET('/v1/plans', { params: { query: { limit: LIST_PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } }))),
    }),
  });
  const packages = useQuery({ queryKey: ['packages'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { limit: 100 } } })) });
  const [editing, setEditing] = useState<Plan | 'new' | undefined>();
  // While the package names load, no name rather than an id; a package beyond the lookup keeps its id.
  const describe = (id: string) => (packages.data ? (packages.data.items.find((p) => p.id === id)?.description ?? id) : '…');
  return (
    <Page title={`${m.configuration} › ${m.plans}`} actions={canChange && !editing ? <button onClick={() => setEditing('new')}>{t('newPlan')}</button> : null}>
      {editing && <PlanForm key={editing === 'new' ? 'new' : editing.id} plan={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />}
      <ProblemMessage error={plans.error} />
      <table>
        {plans.data && <caption>{t('plansPage', { page: plans.data.page })}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('speed')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('lockPackages')}</th>
            <th scope="col">{t('packages')}</th>
            {canChange && <th scope="col">{t('actions')}</th>}
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
              {canChange && (
                <td>
                  <button type="button" className="small" onClick={() => setEditing(plan)}>
                    {t('edit')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <Pager label={t('plansPagination')} page={pages.page} nextCursor={plans.data?.nextCursor} busy={plans.isFetching} onPrevious={pages.previous} onNext={pages.next} />
    </Page>
  );
}

const PLAN_TABS = ['data', 'packages'] as const;
type PlanTab = (typeof PLAN_TABS)[number];
/** The tab holding a field the catalog (or the form) names: the plan's packages and its lock are in Pacotes. */
const planTabOf = (path: string): PlanTab => (path.startsWith('packages') || path.startsWith('lockPackages') ? 'packages' : 'data');

function PlanForm({ plan, onDone }: { plan: Plan | undefined; onDone: () => void }) {
  const { t, money } = useI18n();
  const queries = useQueryClient();
  const available = useQuery({ queryKey: ['packages', 'active'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { active: 'true', limit: 100 } } })) });
  const [form, setForm] = useState({
    name: plan?.name ?? '',
    downloadMbps: plan ? String(plan.downloadMbps) : '',
    uploadMbps: plan ? String(plan.uploadMbps) : '',
    price: plan ? (plan.priceCents / 100).toFixed(2).replace('.', ',') : '',
    lockPackages: plan?.lockPackages ?? false,
    active: plan?.active ?? true,
  });
  const { tab, setTab, refusedIn, showRefused } = useFormTabs(PLAN_TABS, planTabOf);
  const [entries, setEntries] = useState<PlanPackageDraft[]>((plan?.packages ?? []).map((p) => ({ packageId: p.packageId, mandatory: p.mandatory, trialDays: String(p.trialDays) })));
  const save = useMutation({
    mutationFn: () => {
      // What is not a number is refused here, beside its field, and nothing is sent; ranges are the catalog's.
      const downloadMbps = parseWhole(form.downloadMbps);
      const uploadMbps = parseWhole(form.uploadMbps);
      const priceCents = parseMoney(form.price);
      const trials = entries.map((e) => (e.trialDays.trim() === '' ? 0 : parseWhole(e.trialDays)));
      refuseInvalidFields([
        downloadMbps === undefined ? { path: 'downloadMbps', message: t('wholeMbps') } : undefined,
        uploadMbps === undefined ? { path: 'uploadMbps', message: t('wholeMbps') } : undefined,
        priceCents === undefined ? { path: 'priceCents', message: t('amountReais') } : undefined,
        ...trials.map((days, index) => (days === undefined ? { path: `packages.${index}.trialDays`, message: t('wholeDays') } : undefined)),
      ]);
      const body = {
        name: form.name,
        downloadMbps: downloadMbps!,
        uploadMbps: uploadMbps!,
        priceCents: priceCents!,
        lockPackages: form.lockPackages,
        active: form.active,
        packages: entries.map((e, index) => ({ packageId: e.packageId, mandatory: e.mandatory, trialDays: trials[index]! })),
      };
      return plan ? unwrap(catalog.PATCH('/v1/plans/{id}', { params: { path: { id: plan.id } }, body: { version: plan.version, ...body } })) : unwrap(catalog.POST('/v1/plans', { body }));
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['plans'] });
      onDone();
    },
    onError: (error) => showRefused(problemOf(error)),
  });
  const problem = problemOf(save.error);
  const refusedTabs = refusedIn(problem);
  const text = (name: 'name' | 'downloadMbps' | 'uploadMbps') => ({ name, value: form[name], problem, onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });
  const set = (index: number, change: Partial<PlanPackageDraft>) => setEntries(entries.map((e, i) => (i === index ? { ...e, ...change } : e)));
  const unused = (available.data?.items ?? []).filter((p) => !entries.some((e) => e.packageId === p.id));
  const title = plan ? `${t('editPlan')}: ${plan.name}` : t('newPlan');
  // Pacotes: the lock and the plan's packages (mandatory, trial days).
  const packagesPanel = (
    <div>
      <CheckboxField label={t('lockPackages')} name="lockPackages" checked={form.lockPackages} onChange={(e) => setForm({ ...form, lockPackages: e.target.checked })} problem={problem} />
      {entries.length === 0 && <p>{t('noPlanPackages')}</p>}
      {entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('package')}</th>
              <th scope="col">{t('mandatory')}</th>
              <th scope="col">{t('trialDays')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, index) => {
              const n = index + 1;
              const choices = [...(available.data?.items.filter((p) => p.id === entry.packageId) ?? []), ...unused];
              // The trial's problem beside the trial; any other of this package's beside the package.
              const trialError = fieldErrorUnder(problem, `packages.${index}.trialDays`);
              const entryError = trialError ? undefined : fieldErrorUnder(problem, `packages.${index}`);
              return (
                <tr key={index} data-testid={`plan-package-${n}`}>
                  <td>
                    <select aria-label={t('planPackage', { n })} value={entry.packageId} onChange={(e) => set(index, { packageId: e.target.value })}>
                      {!choices.some((p) => p.id === entry.packageId) && <option value={entry.packageId}>{entry.packageId}</option>}
                      {choices.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.description} ({money(p.priceCents)})
                        </option>
                      ))}
                    </select>
                    {entryError && (
                      <span className="field-error" role="alert">
                        {entryError}
                      </span>
                    )}
                  </td>
                  <td>
                    <input type="checkbox" aria-label={`${t('mandatory')} · ${t('planPackage', { n })}`} checked={entry.mandatory} onChange={(e) => set(index, { mandatory: e.target.checked })} />
                  </td>
                  <td>
                    <input aria-label={`${t('trialDays')} · ${t('planPackage', { n })}`} aria-invalid={trialError ? true : undefined} inputMode="numeric" size={4} value={entry.trialDays} onChange={(e) => set(index, { trialDays: e.target.value })} />
                    {trialError && (
                      <span className="field-error" role="alert">
                        {trialError}
                      </span>
                    )}
                  </td>
                  <td>
                    <button type="button" className="small secondary" aria-label={`${t('remove')} · ${t('planPackage', { n })}`} onClick={() => setEntries(entries.filter((_, i) => i !== index))}>
                      {t('remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {fieldError(problem, 'packages') && !entries.some((_, i) => fieldErrorUnder(problem, `packages.${i}`)) && (
        <p className="field-error" role="alert">
          {fieldError(problem, 'packages')}
        </p>
      )}
      <button type="button" className="secondary" disabled={unused.length === 0} onClick={() => setEntries([...entries, { packageId: unused[0]!.id, mandatory: false, trialDays: '0' }])}>
        {t('addPlanPackage')}
      </button>
    </div>
  );
  return (
    <FormCard
      label={title}
      heading={<h2>{title}</h2>}
      onSubmit={() => save.mutate()}
      error={save.error}
      submitLabel={plan ? t('save') : t('create')}
      submitDisabled={save.isPending}
      onCancel={onDone}
    >
      <Tabs
        label={t('planTabs')}
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            key: 'data',
            label: t('dataTab'),
            invalid: refusedTabs.includes('data'),
            panel: (
              <>
                <Field label={t('name')} {...text('name')} />
                <Field label={t('downloadMbps')} inputMode="numeric" {...text('downloadMbps')} />
                <Field label={t('uploadMbps')} inputMode="numeric" {...text('uploadMbps')} />
                <Field label={`${t('price')} (R$)`} name="priceCents" inputMode="decimal" placeholder="99,90" value={form.price} onChange={(e) => setForm({ ...form, price: e.target.value })} problem={problem} />
                {plan && <CheckboxField label={t('active')} name="active" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} problem={problem} />}
              </>
            ),
          },
          { key: 'packages', label: t('planPackagesTab'), invalid: refusedTabs.includes('packages'), panel: packagesPanel },
        ]}
      />
    </FormCard>
  );
}
