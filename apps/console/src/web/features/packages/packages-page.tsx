import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalog, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { parseMoney } from '../../shared/money.ts';
import { Field, Page, ProblemMessage, problemOf } from '../../shared/ui.tsx';

/** Configuração › Pacotes: list and form (R5). */
export function PackagesPage({ canChange }: { canChange: boolean }) {
  const { t, m, money } = useI18n();
  const list = useQuery({ queryKey: ['packages'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { limit: 100 } } })) });
  const [creating, setCreating] = useState(false);
  return (
    <Page title={`${m.configuration} › ${m.packages}`} actions={canChange && !creating ? <button onClick={() => setCreating(true)}>{t('newPackage')}</button> : null}>
      {creating && <PackageForm onDone={() => setCreating(false)} />}
      <ProblemMessage error={list.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('description')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('composition')}</th>
            <th scope="col">{t('products')}</th>
            <th scope="col">{t('status')}</th>
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
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}

function PackageForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [description, setDescription] = useState('');
  const [price, setPrice] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(catalog.POST('/v1/packages', { body: { description, priceCents: parseMoney(price) ?? -1 } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['packages'] });
      onDone();
    },
  });
  const problem = problemOf(create.error);
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <h2>{t('newPackage')}</h2>
      <Field label={t('description')} name="description" value={description} onChange={(e) => setDescription(e.target.value)} problem={problem} />
      <Field label={`${t('price')} (R$)`} name="priceCents" inputMode="decimal" placeholder="9,90" value={price} onChange={(e) => setPrice(e.target.value)} problem={problem} />
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
