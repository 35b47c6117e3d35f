import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/catalog.d.ts';
import { catalog, unwrap, type Problem } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { parseMoney } from '../../shared/money.ts';
import { refuseInvalidFields } from '../../shared/number-input.ts';
import { Tabs, useFormTabs } from '../../shared/tabs.tsx';
import { CheckboxField, Field, fieldErrorUnder, FormCard, Page, Pager, ProblemMessage, problemOf, SelectField, useCursorPages } from '../../shared/ui.tsx';
import { checkDrafts, compositionTotalCents, toComposition, type ComponentDraft, type CompositionVerdict } from './composition.ts';

type Package = operations['getPackages']['responses'][200]['content']['application/json']['items'][number];
type Grants = Record<string, string[]>;

/** The packages a page, oldest first (the catalog's order). */
const LIST_PAGE = 20;

/** Configuração › Pacotes: list, new and edit, with the fiscal composition (R5) and the Integração section's products. */
export function PackagesPage({ canChange }: { canChange: boolean }) {
  const { t, m, money } = useI18n();
  const pages = useCursorPages();
  // Its own key under ['packages'], so the invalidation after a create or edit reaches every page.
  const list = useQuery({
    queryKey: ['packages', 'page', pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(catalog.GET('/v1/packages', { params: { query: { limit: LIST_PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } }))),
    }),
  });
  const [editing, setEditing] = useState<Package | 'new' | undefined>();
  return (
    <Page title={`${m.configuration} › ${m.packages}`} actions={canChange && !editing ? <button onClick={() => setEditing('new')}>{t('newPackage')}</button> : null}>
      {editing && <PackageForm key={editing === 'new' ? 'new' : editing.id} pkg={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />}
      <ProblemMessage error={list.error} />
      <table>
        {list.data && <caption>{t('packagesPage', { page: list.data.page })}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('description')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('composition')}</th>
            <th scope="col">{t('products')}</th>
            <th scope="col">{t('status')}</th>
            {canChange && <th scope="col">{t('actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((pkg) => (
            <tr key={pkg.id}>
              <td>{pkg.description}</td>
              <td className="number">{money(pkg.priceCents)}</td>
              <td>{pkg.composition.map((part) => `${part.kind.toUpperCase()} ${part.serviceCode}: ${money(part.resolvedCents)}`).join(' · ')}</td>
              <td>{pkg.grants.flatMap((grant) => grant.productCodes).join(', ')}</td>
              <td>{pkg.active ? t('active') : t('inactive')}</td>
              {canChange && (
                <td>
                  <button type="button" className="small" onClick={() => setEditing(pkg)}>
                    {t('edit')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <Pager label={t('packagesPagination')} page={pages.page} nextCursor={list.data?.nextCursor} busy={list.isFetching} onPrevious={pages.previous} onNext={pages.next} />
    </Page>
  );
}

const centsText = (cents: number) => (cents / 100).toFixed(2).replace('.', ',');

function draftsOf(pkg: Package | undefined): ComponentDraft[] {
  if (!pkg) return [{ kind: 'sva', serviceCode: '1.09', shareType: 'percent', value: '100' }];
  return pkg.composition.map((part) =>
    'percent' in part.share
      ? { kind: part.kind, serviceCode: part.serviceCode, shareType: 'percent', value: String(part.share.percent).replace('.', ',') }
      : { kind: part.kind, serviceCode: part.serviceCode, shareType: 'amount', value: centsText(part.share.amountCents) },
  );
}

const PACKAGE_TABS = ['data', 'composition', 'integration'] as const;
type PackageTab = (typeof PACKAGE_TABS)[number];
/** The tab holding a field the catalog names (`composition.1.share`, `grants.0`, `priceCents`…). */
const packageTabOf = (path: string): PackageTab => (path.startsWith('composition') ? 'composition' : path.startsWith('grants') ? 'integration' : 'data');

function PackageForm({ pkg, onDone }: { pkg: Package | undefined; onDone: () => void }) {
  const { t, money } = useI18n();
  const queries = useQueryClient();
  const [description, setDescription] = useState(pkg?.description ?? '');
  const [price, setPrice] = useState(pkg ? centsText(pkg.priceCents) : '');
  const [active, setActive] = useState(pkg?.active ?? true);
  const [drafts, setDrafts] = useState<ComponentDraft[]>(draftsOf(pkg));
  const [grants, setGrants] = useState<Grants>(Object.fromEntries((pkg?.grants ?? []).map((g) => [g.integrationId, g.productCodes])));
  const [refusal, setRefusal] = useState<string | undefined>();
  const { tab, setTab, refusedIn, showRefused } = useFormTabs(PACKAGE_TABS, packageTabOf);
  const priceCents = parseMoney(price);
  const save = useMutation({
    mutationFn: () => {
      // A price that is not an amount is refused here, beside its field, and nothing is sent.
      refuseInvalidFields([priceCents === undefined ? { path: 'priceCents', message: t('amountReais') } : undefined]);
      const body = {
        description,
        priceCents: priceCents!,
        active,
        composition: toComposition(drafts, parseMoney),
        grants: Object.entries(grants)
          .filter(([, codes]) => codes.length > 0)
          .map(([integrationId, productCodes]) => ({ integrationId, productCodes })),
      };
      return pkg
        ? unwrap(catalog.PATCH('/v1/packages/{id}', { params: { path: { id: pkg.id } }, body: { version: pkg.version, ...body } }))
        : unwrap(catalog.POST('/v1/packages', { body }));
    },
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['packages'] });
      onDone();
    },
    onError: (error) => showRefused(problemOf(error)),
  });
  const problem = problemOf(save.error);
  const refusedTabs = refusedIn(problem);
  const verdict = priceCents === undefined ? undefined : checkDrafts(drafts, priceCents, parseMoney);
  const refusalText = (v: CompositionVerdict) =>
    v.ok
      ? undefined
      : v.why === 'empty'
        ? t('compositionEmpty')
        : v.why === 'share'
          ? t('compositionShareInvalid', { n: v.index + 1 })
          : v.why === 'percentNot100'
            ? t('compositionPercentNot100', { percent: String(v.percent).replace('.', ',') })
            : t(v.why === 'fixedOverPrice' ? 'compositionFixedOverPrice' : 'compositionFixedNotPrice', { fixed: money(v.fixedCents), price: money(priceCents ?? 0) });
  const title = pkg ? `${t('editPackage')}: ${pkg.description}` : t('newPackage');
  return (
    <FormCard
      label={title}
      heading={<h2>{title}</h2>}
      onSubmit={() => {
        // R5 before sending: a composition that does not add up never leaves the form.
        const why = verdict && refusalText(verdict);
        setRefusal(why);
        if (why) setTab('composition');
        else save.mutate();
      }}
      error={save.error}
      submitLabel={pkg ? t('save') : t('create')}
      submitDisabled={save.isPending}
      onCancel={onDone}
    >
      <Tabs
        label={t('packageTabs')}
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            key: 'data',
            label: t('dataTab'),
            invalid: refusedTabs.includes('data'),
            panel: (
              <>
                <Field label={t('description')} name="description" value={description} onChange={(e) => setDescription(e.target.value)} problem={problem} />
                <Field label={`${t('price')} (R$)`} name="priceCents" inputMode="decimal" placeholder="9,90" value={price} onChange={(e) => setPrice(e.target.value)} problem={problem} />
                {pkg && <CheckboxField label={t('active')} name="active" checked={active} onChange={(e) => setActive(e.target.checked)} problem={problem} />}
              </>
            ),
          },
          {
            key: 'composition',
            label: t('composition'),
            invalid: refusal !== undefined || refusedTabs.includes('composition'),
            panel: (
              <CompositionEditor
                drafts={drafts}
                onChange={(next) => {
                  // A changed composition is not the one refused: its refusal goes until the next send.
                  save.reset();
                  setRefusal(undefined);
                  setDrafts(next);
                }}
                priceCents={priceCents}
                problem={problem}
                refusal={refusal}
              />
            ),
          },
          { key: 'integration', label: t('integrationTab'), invalid: refusedTabs.includes('integration'), panel: <GrantsPicker grants={grants} onChange={setGrants} problem={problem} /> },
        ]}
      />
    </FormCard>
  );
}

/** The API's message for exactly `path` (with or without the `body.` prefix). */
const exactly = (problem: Problem | undefined, path: string) => problem?.errors?.find((e) => e.path === path || e.path === `body.${path}`)?.message;

/** R5: the components, the running total against the price, and why it does not add up (ours, or the catalog's). */
function CompositionEditor(props: { drafts: ComponentDraft[]; onChange: (drafts: ComponentDraft[]) => void; priceCents: number | undefined; problem: Problem | undefined; refusal: string | undefined }) {
  const { t, money } = useI18n();
  const { drafts } = props;
  const set = (index: number, change: Partial<ComponentDraft>) => props.onChange(drafts.map((d, i) => (i === index ? { ...d, ...change } : d)));
  const total = compositionTotalCents(drafts, props.priceCents ?? 0, parseMoney);
  const apiError = exactly(props.problem, 'composition');
  return (
    <div>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('kind')}</th>
            <th scope="col">{t('serviceCode')}</th>
            <th scope="col">{t('shareType')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {drafts.map((draft, index) => {
            const n = index + 1;
            const codeError = fieldErrorUnder(props.problem, `composition.${index}.serviceCode`);
            const shareError = fieldErrorUnder(props.problem, `composition.${index}.share`);
            return (
              <tr key={index} data-testid={`component-${n}`}>
                <td>
                  <select aria-label={`${t('kind')} · ${t('component', { n })}`} value={draft.kind} onChange={(e) => set(index, { kind: e.target.value === 'scm' ? 'scm' : 'sva' })}>
                    <option value="sva">SVA</option>
                    <option value="scm">SCM</option>
                  </select>
                </td>
                <td>
                  <input aria-label={`${t('serviceCode')} · ${t('component', { n })}`} aria-invalid={codeError ? true : undefined} value={draft.serviceCode} onChange={(e) => set(index, { serviceCode: e.target.value })} />
                  {codeError && (
                    <span className="field-error" role="alert">
                      {codeError}
                    </span>
                  )}
                </td>
                <td>
                  <select aria-label={`${t('shareType')} · ${t('component', { n })}`} value={draft.shareType} onChange={(e) => set(index, { shareType: e.target.value === 'amount' ? 'amount' : 'percent' })}>
                    <option value="percent">{t('sharePercent')}</option>
                    <option value="amount">{t('shareAmount')}</option>
                  </select>
                </td>
                <td>
                  <input aria-label={t('shareValue', { n })} inputMode="decimal" aria-invalid={shareError ? true : undefined} value={draft.value} onChange={(e) => set(index, { value: e.target.value })} />
                  {shareError && (
                    <span className="field-error" role="alert">
                      {shareError}
                    </span>
                  )}
                </td>
                <td>
                  <button type="button" className="small secondary" aria-label={`${t('remove')} · ${t('component', { n })}`} onClick={() => props.onChange(drafts.filter((_, i) => i !== index))}>
                    {t('remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => props.onChange([...drafts, { kind: 'sva', serviceCode: '', shareType: 'percent', value: '' }])}>
          {t('addComponent')}
        </button>
        <output data-testid="composition-total" className={props.priceCents !== undefined && total === props.priceCents ? undefined : 'field-error'}>
          {t('compositionTotal', { total: money(total), price: props.priceCents === undefined ? '—' : money(props.priceCents) })}
        </output>
      </div>
      {(props.refusal ?? apiError) && (
        <p className="field-error" role="alert" data-testid="composition-error">
          {props.refusal ?? apiError}
        </p>
      )}
    </div>
  );
}

const PICK_PAGE = 20;

/** Integração: pick an integration, then among only its synced, active products (R5), a page at a time. */
function GrantsPicker({ grants, onChange, problem }: { grants: Grants; onChange: (grants: Grants) => void; problem: Problem | undefined }) {
  const { t } = useI18n();
  const integrations = useQuery({ queryKey: ['integrations', 'active'], queryFn: () => unwrap(catalog.GET('/v1/integrations', { params: { query: { active: 'true', limit: 100 } } })) });
  const [integrationId, setIntegrationId] = useState(Object.keys(grants)[0] ?? '');
  const pages = useCursorPages();
  const products = useQuery({
    queryKey: ['products', integrationId, 'pick', pages.cursor],
    enabled: integrationId !== '',
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(catalog.GET('/v1/integrations/{id}/products', { params: { path: { id: integrationId }, query: { active: 'true', limit: PICK_PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
  });
  const chosen = grants[integrationId] ?? [];
  const toggle = (code: string, on: boolean) => onChange({ ...grants, [integrationId]: on ? [...chosen, code] : chosen.filter((c) => c !== code) });
  const describe = (id: string) => integrations.data?.items.find((i) => i.id === id)?.description ?? id;
  const granted = Object.entries(grants).filter(([, codes]) => codes.length > 0);
  return (
    <div>
      <SelectField
        label={t('chooseIntegration')}
        name="grants"
        value={integrationId}
        problem={problem}
        onChange={(e) => {
          pages.reset();
          setIntegrationId(e.target.value);
        }}
      >
        <option value="">{t('none')}</option>
        {integrations.data?.items.map((integration) => (
          <option key={integration.id} value={integration.id}>
            {integration.description}
          </option>
        ))}
      </SelectField>
      <ProblemMessage error={products.error} />
      {integrationId !== '' && products.data && products.data.items.length === 0 && <p>{t('noActiveProducts')}</p>}
      {integrationId !== '' && products.data && products.data.items.length > 0 && (
        <div role="group" aria-label={t('grantedProducts')} data-testid="product-picker">
          {products.data.items.map((product) => (
            <CheckboxField key={product.code} label={`${product.name} (${product.code})`} name={`product-${product.code}`} checked={chosen.includes(product.code)} onChange={(e) => toggle(product.code, e.target.checked)} />
          ))}
        </div>
      )}
      <Pager label={t('productsPagination')} page={pages.page} nextCursor={products.data?.nextCursor} busy={products.isFetching} onPrevious={pages.previous} onNext={pages.next} />
      {granted.length > 0 && (
        <p data-testid="grants-summary">{t('grantsSummary', { products: granted.map(([id, codes]) => `${describe(id)}: ${codes.join(', ')}`).join(' · ') })}</p>
      )}
    </div>
  );
}
