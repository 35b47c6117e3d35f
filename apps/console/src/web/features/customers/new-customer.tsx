import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { subscriptions, unwrap } from '../../shared/api.ts';
import { maskDocument } from '../../shared/document.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, FormCard, problemOf } from '../../shared/ui.tsx';

/**
 * Clientes › Novo cliente: name, CPF/CNPJ (masked as typed; the API checks its digits and keeps
 * it only hashed and masked), and, optional, e-mail and customer code (the NEO login of
 * integrations that log in by them). Once registered, the customer's page opens.
 */
export function NewCustomer({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ name: '', document: '', email: '', code: '' });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        subscriptions.POST('/v1/customers', {
          body: { name: form.name, document: form.document, ...(form.email.trim() === '' ? {} : { email: form.email.trim() }), ...(form.code.trim() === '' ? {} : { code: form.code }) },
        }),
      ),
    onSuccess: async (customer) => {
      await queries.invalidateQueries({ queryKey: ['customers'] });
      navigate(`/clientes/${customer.id}`);
    },
  });
  const problem = problemOf(create.error);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: name === 'document' ? maskDocument(e.target.value) : e.target.value });
  return (
    <FormCard
      label={t('newCustomer')}
      heading={<h2>{t('newCustomer')}</h2>}
      onSubmit={() => create.mutate()}
      error={create.error}
      submitLabel={t('create')}
      submitDisabled={create.isPending}
      onCancel={onDone}
    >
      <Field label={t('name')} name="name" value={form.name} onChange={set('name')} problem={problem} autoComplete="off" />
      <Field label={t('document')} name="document" value={form.document} onChange={set('document')} problem={problem} placeholder="000.000.000-00" autoComplete="off" />
      <Field label={t('email')} name="email" type="email" value={form.email} onChange={set('email')} problem={problem} autoComplete="off" />
      <Field label={t('codeOptional')} name="code" value={form.code} onChange={set('code')} problem={problem} autoComplete="off" />
    </FormCard>
  );
}
