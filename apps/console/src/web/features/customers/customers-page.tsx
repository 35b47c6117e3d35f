import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, Page, Pager, ProblemMessage, problemOf, useCursorPages } from '../../shared/ui.tsx';
import { NewCustomer } from './new-customer.tsx';

/** What the search box searches by: each is one query parameter of `GET /v1/customers`. */
const KINDS = ['name', 'document', 'code', 'login', 'subscriberId'] as const;
type Kind = (typeof KINDS)[number];

const PAGE_SIZE = 20;

const kindLabel = { name: 'searchByName', document: 'document', code: 'searchByCode', login: 'searchByLogin', subscriberId: 'searchBySubscriber' } as const;
const kindHint = { name: 'searchHintName', document: 'searchHintDocument', code: 'searchHintCode', login: 'searchHintLogin', subscriberId: 'searchHintSubscriber' } as const;

/**
 * Clientes: one search box and what it searches by — name (any part, accents and case ignored),
 * CPF/CNPJ (with or without punctuation), customer code, network login or subscriber id. Results
 * come a page at a time ("Próxima página"), by name in name order; documents only masked.
 * Operators and admins register customers here too (Novo cliente).
 */
export function CustomersPage({ canChange }: { canChange: boolean }) {
  const { t } = useI18n();
  const kindId = useId();
  const [kind, setKind] = useState<Kind>('name');
  const [text, setText] = useState('');
  const [asked, setAsked] = useState<{ kind: Kind; value: string } | undefined>();
  const pages = useCursorPages();
  const { cursor } = pages;
  const results = useQuery({
    queryKey: ['customers', asked, cursor],
    enabled: asked !== undefined,
    placeholderData: keepPreviousData,
    // The page number travels with its data: while the next page loads, the previous one stays shown under its own number.
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(subscriptions.GET('/v1/customers', { params: { query: { limit: PAGE_SIZE, [asked!.kind]: asked!.value, ...(cursor ? { cursor } : {}) } } }))),
    }),
  });
  const items = results.data?.items ?? [];
  const [creating, setCreating] = useState(false);
  return (
    <Page title={t('customers')} actions={canChange && !creating ? <button onClick={() => setCreating(true)}>{t('newCustomer')}</button> : null}>
      {creating && <NewCustomer onDone={() => setCreating(false)} />}
      <form
        className="search"
        role="search"
        aria-label={t('searchCustomers')}
        onSubmit={(event) => {
          event.preventDefault();
          pages.reset();
          setAsked({ kind, value: text.trim() });
        }}
      >
        <div className="field">
          <label htmlFor={kindId}>{t('searchBy')}</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(kindLabel[k])}
              </option>
            ))}
          </select>
        </div>
        <Field label={t(kindLabel[kind])} name={kind} value={text} placeholder={t(kindHint[kind])} onChange={(e) => setText(e.target.value)} problem={asked?.kind === kind ? problemOf(results.error) : undefined} />
        <button type="submit">{t('search')}</button>
      </form>
      <ProblemMessage error={results.error} />
      {results.data && items.length === 0 && <p>{t('noResults')}</p>}
      {items.length > 0 && (
        <>
          <table>
            <caption>{t('searchResultsPage', { page: results.data!.page })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('document')}</th>
                <th scope="col">{t('code')}</th>
                <th scope="col">{t('standing')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((customer) => (
                <tr key={customer.id}>
                  <td>
                    <Link href={`/clientes/${customer.id}`}>{customer.name}</Link>
                  </td>
                  <td>{customer.documentMasked}</td>
                  <td>{customer.code ?? '—'}</td>
                  <td>{customer.delinquent ? t('standingDelinquentShort') : t('standingGood')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label={t('pagination')} page={pages.page} nextCursor={results.data?.nextCursor} busy={results.isFetching} onPrevious={pages.previous} onNext={pages.next} />
        </>
      )}
    </Page>
  );
}
