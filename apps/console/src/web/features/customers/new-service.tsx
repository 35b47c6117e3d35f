import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalog, subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, FormCard, problemOf, SelectField } from '../../shared/ui.tsx';

const INITIAL_STATUSES = ['enabled', 'awaiting_installation'] as const;
type InitialStatus = (typeof INITIAL_STATUSES)[number];

/**
 * Serviços do Cliente › Novo serviço: a plan of the catalog (its mandatory and trial packages
 * arrive by themselves, R11, and are listed once it is created), the initial status, and the
 * network (PPPoE) login and password — the NEO login of integrations that log in by it (R2).
 */
export function NewService({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const { t, m, date } = useI18n();
  const queries = useQueryClient();
  const plans = useQuery({ queryKey: ['plans'], queryFn: () => unwrap(catalog.GET('/v1/plans', { params: { query: { limit: 100 } } })) });
  const packages = useQuery({ queryKey: ['packages'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { limit: 100 } } })) });
  const [form, setForm] = useState<{ planId: string; status: InitialStatus; authLogin: string; authPassword: string }>({ planId: '', status: 'enabled', authLogin: '', authPassword: '' });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        subscriptions.POST('/v1/customers/{id}/services', {
          params: { path: { id: customerId } },
          body: {
            status: form.status,
            ...(form.planId === '' ? {} : { planId: form.planId }),
            ...(form.authLogin.trim() === '' ? {} : { authLogin: form.authLogin }),
            ...(form.authPassword === '' ? {} : { authPassword: form.authPassword }),
          },
        }),
      ),
    onSuccess: () => Promise.all([queries.invalidateQueries({ queryKey: ['customer', customerId] }), queries.invalidateQueries({ queryKey: ['history', customerId] })]),
  });
  const problem = problemOf(create.error);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });
  if (create.data) {
    const plan = plans.data?.items.find((p) => p.id === create.data.planId);
    const describe = (id: string) => packages.data?.items.find((p) => p.id === id)?.description ?? id;
    return (
      <div className="card" role="status" data-testid="service-created">
        {create.data.packages.length === 0 ? (
          <p>{t('serviceCreatedNoPackages')}</p>
        ) : (
          <>
            <p>{t('serviceCreated')}</p>
            <ul>
              {create.data.packages.map((p) => (
                <li key={p.id}>
                  {describe(p.packageId)}
                  {plan?.packages.find((entry) => entry.packageId === p.packageId)?.mandatory ? ` · ${t('mandatory')}` : ''}
                  {p.trialEndsAt ? ` · ${t('trialUntil', { date: date(p.trialEndsAt) })}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        <button type="button" onClick={onDone}>
          OK
        </button>
      </div>
    );
  }
  return (
    <FormCard
      label={t('newService')}
      heading={<h3>{t('newService')}</h3>}
      onSubmit={() => create.mutate()}
      error={create.error}
      submitLabel={t('create')}
      submitDisabled={create.isPending}
      onCancel={onDone}
    >
      <SelectField label={t('plan')} name="planId" value={form.planId} onChange={set('planId')} problem={problem}>
        <option value="">{t('noPlan')}</option>
        {plans.data?.items
          .filter((p) => p.active)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.downloadMbps}/{p.uploadMbps} Mbps)
            </option>
          ))}
      </SelectField>
      <SelectField label={t('initialStatus')} name="status" value={form.status} onChange={set('status')} problem={problem}>
        {INITIAL_STATUSES.map((status) => (
          <option key={status} value={status}>
            {m.serviceStatus[status]}
          </option>
        ))}
      </SelectField>
      <Field label={t('authLogin')} name="authLogin" value={form.authLogin} onChange={set('authLogin')} problem={problem} autoComplete="off" />
      <Field label={t('authPassword')} name="authPassword" type="password" value={form.authPassword} onChange={set('authPassword')} problem={problem} autoComplete="new-password" />
    </FormCard>
  );
}
