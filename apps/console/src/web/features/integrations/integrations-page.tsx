import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/catalog.d.ts';
import { catalog, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { CheckboxField, ConfirmDialog, Field, FormCard, Page, Pager, ProblemMessage, problemOf, SelectField, useCursorPages } from '../../shared/ui.tsx';

type Integration = operations['getIntegrations']['responses'][200]['content']['application/json']['items'][number];

type Rotated = operations['postIntegrationsByIdRotateSecret']['responses'][200]['content']['application/json'];

/** The integrations a page, oldest first (the catalog's order). */
const LIST_PAGE = 20;

const LOGIN_FIELDS = ['login_autenticacao', 'cpf_cnpj', 'email', 'customer_code'] as const;

/**
 * Configuração › Integrações › Plataformas de Conteúdo: list, create, edit (R1–R2), rotate the
 * callback secret (shown once), Testar, Sincronizar and the integration's products (R3–R4).
 * Changes are the admin's; everybody reads.
 */
export function IntegrationsPage({ canChange }: { canChange: boolean }) {
  const { t, m } = useI18n();
  const pages = useCursorPages();
  // Its own key under ['integrations'], so the invalidations after a create, edit or rotation reach every page.
  const list = useQuery({
    queryKey: ['integrations', 'page', pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(catalog.GET('/v1/integrations', { params: { query: { limit: LIST_PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } }))),
    }),
  });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Integration | undefined>();
  const [showing, setShowing] = useState<Integration | undefined>();
  const [rotated, setRotated] = useState<Rotated | undefined>();
  return (
    <Page
      title={`${m.configuration} › ${m.integrations} › ${m.contentPlatforms}`}
      actions={canChange && !creating ? <button onClick={() => setCreating(true)}>{t('newIntegration')}</button> : null}
    >
      {creating && <IntegrationForm onDone={() => setCreating(false)} />}
      {rotated && <SecretOnce secret={rotated.callbackSecret} callbackUrl={rotated.callbackUrl} previousSecretValidUntil={rotated.previousSecretValidUntil} onDone={() => setRotated(undefined)} />}
      {editing && <EditIntegration key={editing.id} integration={editing} onDone={() => setEditing(undefined)} />}
      <ProblemMessage error={list.error} />
      <table>
        {list.data && <caption>{t('integrationsPage', { page: list.data.page })}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('description')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('loginField')}</th>
            <th scope="col">{t('flags')}</th>
            <th scope="col">{t('callbackUrl')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((integration) => (
            <tr key={integration.id}>
              <td>{integration.description}</td>
              <td>{integration.active ? t('active') : t('inactive')}</td>
              <td>{m.loginFields[integration.loginField]}</td>
              <td>
                {[integration.singlePackage && t('singlePackage'), integration.syncSubscriptionStatus && t('syncSubscriptionStatus'), integration.exclusivePackages && t('exclusivePackages')]
                  .filter(Boolean)
                  .join(', ')}
              </td>
              <td>
                <CopyText text={integration.callbackUrl} />
              </td>
              <td>
                <IntegrationActions integration={integration} canChange={canChange} onEdit={() => setEditing(integration)} onProducts={() => setShowing(integration)} onRotated={setRotated} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager label={t('integrationsPagination')} page={pages.page} nextCursor={list.data?.nextCursor} busy={list.isFetching} onPrevious={pages.previous} onNext={pages.next} />
      {showing && <IntegrationProducts key={showing.id} integration={showing} />}
    </Page>
  );
}

function CopyText({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <span className="copy">
      <code>{text}</code>{' '}
      <button
        type="button"
        className="small"
        onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => undefined)}
      >
        {copied ? t('copied') : t('copy')}
      </button>
    </span>
  );
}

function IntegrationActions({ integration, canChange, onEdit, onProducts, onRotated }: { integration: Integration; canChange: boolean; onEdit: () => void; onProducts: () => void; onRotated: (rotated: Rotated) => void }) {
  const { t } = useI18n();
  const id = integration.id;
  const queries = useQueryClient();
  const test = useMutation({ mutationFn: () => unwrap(catalog.POST('/v1/integrations/{id}/test', { params: { path: { id } } })) });
  const sync = useMutation({
    mutationFn: () => unwrap(catalog.POST('/v1/integrations/{id}/sync', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['products', id] }),
  });
  const products = (
    <button type="button" className="secondary" onClick={onProducts}>
      {t('products')}
    </button>
  );
  if (!canChange) return <div className="actions">{products}</div>;
  return (
    <div className="actions">
      {products}
      <button type="button" onClick={onEdit}>
        {t('edit')}
      </button>
      <RotateSecret integration={integration} onRotated={onRotated} />
      <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
        {t('test')}
      </button>
      <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
        {sync.isPending ? t('syncing') : t('sync')}
      </button>
      {test.isSuccess && <p role="status">{t('testOk')}</p>}
      {sync.data && (
        <p role="status">
          {t('syncResult', { added: sync.data.added.length, updated: sync.data.updated.length, deactivated: sync.data.deactivated.length, unchanged: sync.data.unchanged })}
        </p>
      )}
      <ProblemMessage error={test.error ?? sync.error} />
    </div>
  );
}

function IntegrationForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [form, setForm] = useState({ description: '', baseUrl: '', clientId: '', clientSecret: '' });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        catalog.POST('/v1/integrations', {
          body: { description: form.description, platform: { baseUrl: form.baseUrl, clientId: form.clientId, clientSecret: form.clientSecret } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['integrations'] }),
  });
  const problem = problemOf(create.error);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });
  if (create.data) return <SecretOnce secret={create.data.callbackSecret} callbackUrl={create.data.callbackUrl} onDone={onDone} />;
  return (
    <FormCard
      heading={<h2>{t('newIntegration')}</h2>}
      onSubmit={() => create.mutate()}
      error={create.error}
      submitLabel={t('create')}
      submitDisabled={create.isPending}
      onCancel={onDone}
    >
      <Field label={t('description')} name="description" value={form.description} onChange={set('description')} problem={problem} />
      <Field label={t('baseUrl')} name="baseUrl" value={form.baseUrl} onChange={set('baseUrl')} problem={problem} />
      <Field label={t('clientId')} name="clientId" value={form.clientId} onChange={set('clientId')} problem={problem} />
      <Field label={t('clientSecret')} name="clientSecret" type="password" value={form.clientSecret} onChange={set('clientSecret')} problem={problem} autoComplete="off" />
    </FormCard>
  );
}

/** The callback secret and the URL carrying it, shown this once (on creation or rotation, R3). */
function SecretOnce({ secret, callbackUrl, previousSecretValidUntil, onDone }: { secret: string; callbackUrl: string; previousSecretValidUntil?: string | null; onDone: () => void }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="card" role="status" data-testid="secret-once">
      <p>{t('secretOnce')}</p>
      <p>
        <code data-testid="callback-secret">{secret}</code> <CopyButton text={secret} />
      </p>
      <p>
        {t('callbackUrl')}: <CopyText text={callbackUrl} />
      </p>
      {previousSecretValidUntil && <p>{t('previousSecretUntil', { until: dateTime(previousSecretValidUntil) })}</p>}
      <button onClick={onDone}>OK</button>
    </div>
  );
}

function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => undefined)}>
      {copied ? t('copied') : t('copySecret')}
    </button>
  );
}

/** R3: a new callback secret; the previous one keeps working for a while, so NEO can be re-configured. */
function RotateSecret({ integration, onRotated }: { integration: Integration; onRotated: (rotated: Rotated) => void }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [asking, setAsking] = useState(false);
  const rotate = useMutation({
    mutationFn: () => unwrap(catalog.POST('/v1/integrations/{id}/rotate-secret', { params: { path: { id: integration.id } }, body: { version: integration.version } })),
    onSuccess: (rotated) => {
      setAsking(false);
      // Shown above the list, once; the mutation forgets it at once.
      onRotated(rotated);
      rotate.reset();
      return queries.invalidateQueries({ queryKey: ['integrations'] });
    },
  });
  return (
    <>
      <button type="button" onClick={() => setAsking(true)}>
        {t('rotateSecret')}
      </button>
      <ConfirmDialog
        open={asking}
        title={t('rotateSecretTitle', { integration: integration.description })}
        confirmLabel={t('rotateSecretConfirm')}
        backLabel={t('back')}
        busy={rotate.isPending}
        onConfirm={() => rotate.mutate()}
        onBack={() => setAsking(false)}
      >
        <p>{t('rotateSecretWarning')}</p>
        <ProblemMessage error={rotate.error} />
      </ConfirmDialog>
    </>
  );
}

/** R1–R2: what the catalog's update takes; the client secret only when typed (blank keeps the stored one). */
function EditIntegration({ integration, onDone }: { integration: Integration; onDone: () => void }) {
  const { t, m } = useI18n();
  const queries = useQueryClient();
  const [form, setForm] = useState({
    description: integration.description,
    loginField: integration.loginField,
    singlePackage: integration.singlePackage,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    exclusivePackages: integration.exclusivePackages,
    active: integration.active,
    baseUrl: integration.platform.baseUrl,
    clientId: integration.platform.clientId,
    clientSecret: '',
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        catalog.PATCH('/v1/integrations/{id}', {
          params: { path: { id: integration.id } },
          body: {
            version: integration.version,
            description: form.description,
            loginField: form.loginField,
            singlePackage: form.singlePackage,
            syncSubscriptionStatus: form.syncSubscriptionStatus,
            exclusivePackages: form.exclusivePackages,
            active: form.active,
            platform: { baseUrl: form.baseUrl, clientId: form.clientId, ...(form.clientSecret === '' ? {} : { clientSecret: form.clientSecret }) },
          },
        }),
      ),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['integrations'] });
      onDone();
    },
  });
  const problem = problemOf(save.error);
  const text = (name: 'description' | 'baseUrl' | 'clientId' | 'clientSecret') => ({ name, value: form[name], problem, onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });
  const flag = (name: 'singlePackage' | 'syncSubscriptionStatus' | 'exclusivePackages' | 'active') => ({ name, checked: form[name], problem, onChange: (e: { target: { checked: boolean } }) => setForm({ ...form, [name]: e.target.checked }) });
  return (
    <FormCard
      label={t('editIntegration')}
      heading={
        <h2>
        {t('editIntegration')}: {integration.description}
        </h2>
      }
      onSubmit={() => save.mutate()}
      error={save.error}
      submitLabel={t('save')}
      submitDisabled={save.isPending}
      onCancel={onDone}
    >
      <Field label={t('description')} {...text('description')} />
      <SelectField label={t('loginField')} name="loginField" value={form.loginField} problem={problem} onChange={(e) => setForm({ ...form, loginField: e.target.value as (typeof LOGIN_FIELDS)[number] })}>
        {LOGIN_FIELDS.map((field) => (
          <option key={field} value={field}>
            {m.loginFields[field]}
          </option>
        ))}
      </SelectField>
      <CheckboxField label={t('singlePackage')} {...flag('singlePackage')} />
      <CheckboxField label={t('syncSubscriptionStatus')} {...flag('syncSubscriptionStatus')} />
      <CheckboxField label={t('exclusivePackages')} {...flag('exclusivePackages')} />
      <CheckboxField label={t('active')} {...flag('active')} />
      <Field label={t('baseUrl')} {...text('baseUrl')} />
      <Field label={t('clientId')} {...text('clientId')} />
      <Field label={t('clientSecretKeep')} type="password" autoComplete="off" {...text('clientSecret')} />
    </FormCard>
  );
}

const PRODUCTS_PAGE = 20;

/** R4: the integration's products as the last Sincronizar left them: active, or inactive (NEO stopped listing them). */
function IntegrationProducts({ integration }: { integration: Integration }) {
  const { t, dateTime } = useI18n();
  const [active, setActive] = useState<'' | 'true' | 'false'>('');
  const pages = useCursorPages();
  const products = useQuery({
    queryKey: ['products', integration.id, active, pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(
        catalog.GET('/v1/integrations/{id}/products', {
          params: { path: { id: integration.id }, query: { limit: PRODUCTS_PAGE, ...(active === '' ? {} : { active }), ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      )),
    }),
  });
  const items = products.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="integration-products">
      <h2 id="integration-products">{t('integrationProducts', { integration: integration.description })}</h2>
      <SelectField
        label={t('show')}
        name="active"
        value={active}
        onChange={(e) => {
          pages.reset();
          setActive(e.target.value as '' | 'true' | 'false');
        }}
      >
        <option value="">{t('all')}</option>
        <option value="true">{t('onlyActive')}</option>
        <option value="false">{t('onlyInactive')}</option>
      </SelectField>
      <ProblemMessage error={products.error} />
      {products.data && items.length === 0 && <p>{t('noProducts')}</p>}
      {items.length > 0 && (
        <table>
          <caption>{t('productsPage', { page: products.data!.page })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('productCode')}</th>
              <th scope="col">{t('productName')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('syncedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((product) => (
              <tr key={product.code}>
                <td>{product.code}</td>
                <td>{product.name}</td>
                <td>{product.active ? t('active') : t('inactive')}</td>
                <td>{dateTime(product.syncedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label={t('productsPagination')} page={pages.page} nextCursor={products.data?.nextCursor} busy={products.isFetching} onPrevious={pages.previous} onNext={pages.next} />
    </section>
  );
}
