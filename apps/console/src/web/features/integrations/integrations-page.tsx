import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalog, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, Page, ProblemMessage, problemOf } from '../../shared/ui.tsx';

/** Configuração › Integrações › Plataformas de Conteúdo: list, create, Testar, Sincronizar (R1–R4). */
export function IntegrationsPage({ canChange }: { canChange: boolean }) {
  const { t, m } = useI18n();
  const list = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(catalog.GET('/v1/integrations', { params: { query: { limit: 50 } } })) });
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title={`${m.configuration} › ${m.integrations} › ${m.contentPlatforms}`}
      actions={canChange && !creating ? <button onClick={() => setCreating(true)}>{t('newIntegration')}</button> : null}
    >
      {creating && <IntegrationForm onDone={() => setCreating(false)} />}
      <ProblemMessage error={list.error} />
      <table>
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
              <td>{integration.loginField}</td>
              <td>
                {[integration.singlePackage && t('singlePackage'), integration.syncSubscriptionStatus && t('syncSubscriptionStatus'), integration.exclusivePackages && t('exclusivePackages')]
                  .filter(Boolean)
                  .join(', ')}
              </td>
              <td>
                <CopyText text={integration.callbackUrl} />
              </td>
              <td>
                <IntegrationActions id={integration.id} canChange={canChange} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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

function IntegrationActions({ id, canChange }: { id: string; canChange: boolean }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const test = useMutation({ mutationFn: () => unwrap(catalog.POST('/v1/integrations/{id}/test', { params: { path: { id } } })) });
  const sync = useMutation({
    mutationFn: () => unwrap(catalog.POST('/v1/integrations/{id}/sync', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['products', id] }),
  });
  if (!canChange) return null;
  return (
    <div className="actions">
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
  if (create.data) {
    return (
      <div className="card" role="status">
        <p>{t('secretOnce')}</p>
        <p>
          <code data-testid="callback-secret">{create.data.callbackSecret}</code>
        </p>
        <p>
          {t('callbackUrl')}: <CopyText text={create.data.callbackUrl} />
        </p>
        <button onClick={onDone}>OK</button>
      </div>
    );
  }
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <h2>{t('newIntegration')}</h2>
      <Field label={t('description')} name="description" value={form.description} onChange={set('description')} problem={problem} />
      <Field label={t('baseUrl')} name="baseUrl" value={form.baseUrl} onChange={set('baseUrl')} problem={problem} />
      <Field label={t('clientId')} name="clientId" value={form.clientId} onChange={set('clientId')} problem={problem} />
      <Field label={t('clientSecret')} name="clientSecret" type="password" value={form.clientSecret} onChange={set('clientSecret')} problem={problem} autoComplete="off" />
      <ProblemMessage error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {t('create')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
