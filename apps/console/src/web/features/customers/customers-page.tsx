import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { digitsOf, Field, Page, ProblemMessage, problemOf } from '../../shared/ui.tsx';

/** Clientes: search by CPF/CNPJ (with or without punctuation) or customer code. */
export function CustomersPage() {
  const { t, m } = useI18n();
  const [text, setText] = useState('');
  const [asked, setAsked] = useState<{ document?: string; code?: string } | undefined>();
  const results = useQuery({
    queryKey: ['customers', asked],
    enabled: asked !== undefined,
    queryFn: () => unwrap(subscriptions.GET('/v1/customers', { params: { query: { limit: 20, ...asked } } })),
  });
  return (
    <Page title={m.customers}>
      <form
        className="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const digits = digitsOf(text);
          // 11 or 14 digits (punctuation or not) is a CPF/CNPJ; anything else is a customer code.
          setAsked(digits.length === 11 || digits.length === 14 ? { document: digits } : { code: text.trim() });
        }}
      >
        <Field label={`${t('document')} / ${t('code')}`} name="document" value={text} onChange={(e) => setText(e.target.value)} problem={problemOf(results.error)} />
        <button type="submit">{t('search')}</button>
      </form>
      <ProblemMessage error={results.error} />
      {results.data && results.data.items.length === 0 && <p>{t('noResults')}</p>}
      {results.data && results.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('document')}</th>
              <th scope="col">{t('code')}</th>
              <th scope="col">{t('standing')}</th>
            </tr>
          </thead>
          <tbody>
            {results.data.items.map((customer) => (
              <tr key={customer.id}>
                <td>
                  <Link href={`/clientes/${customer.id}`}>{customer.name}</Link>
                </td>
                <td>{customer.documentMasked}</td>
                <td>{customer.code ?? '—'}</td>
                <td>{customer.delinquent ? m.serviceStatus.suspended_debt : t('standingGood')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
