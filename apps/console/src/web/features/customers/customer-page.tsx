import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/billing.d.ts';
import { billing, catalog, subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, Page, Pager, ProblemMessage, problemOf, useCursorPages } from '../../shared/ui.tsx';
import { AddPackages } from './add-packages.tsx';
import { NewService } from './new-service.tsx';
import { ServiceStatusActions } from './service-status.tsx';

/** A customer: services with their packages and values (R7), standing, subscribers, explain, history; Novo serviço. */
export function CustomerPage({ id, canChange }: { id: string; canChange: boolean }) {
  const { t, m, date } = useI18n();
  const customer = useQuery({ queryKey: ['customer', id], queryFn: () => unwrap(subscriptions.GET('/v1/customers/{id}', { params: { path: { id } } })) });
  const standing = useQuery({ queryKey: ['standing', id], queryFn: () => unwrap(billing.GET('/v1/customers/{id}/standing', { params: { path: { id } } })) });
  const [creatingService, setCreatingService] = useState(false);
  const delinquencyWhy = useDelinquencyWhy();
  if (!customer.data) return <ProblemMessage error={customer.error} />;
  const c = customer.data;
  // R17: subscriptions applied the delinquency and some integration that syncs status suspends products for it.
  const suspendedForDebt = c.delinquent && c.entitlements.some((e) => e.grants.some((g) => g.state === 'suspended_debt'));
  return (
    <Page title={`${m.customer}: ${c.name}`}>
      <dl className="facts">
        <dt>{t('document')}</dt>
        <dd>{c.documentMasked}</dd>
        <dt>{t('code')}</dt>
        <dd>{c.code ?? '—'}</dd>
        <dt>{t('standing')}</dt>
        <dd data-testid="standing">
          {standing.data?.standing === 'delinquent'
            ? t('standingDelinquent', { since: standing.data.since ? date(standing.data.since) : '—', reason: delinquencyWhy(standing.data) })
            : t('standingGood')}
          {standing.data?.trustUnblock && ` · ${t('trustUnblock', { until: date(standing.data.trustUnblock.until) })}`}
        </dd>
        <dt>{t('subscriberIds')}</dt>
        <dd>
          {c.entitlements.map((e) => {
            const suspended = e.grants.filter((g) => g.state === 'suspended_debt').map((g) => g.product);
            return (
              <span key={e.integrationId} className="tag">
                {e.subscriberId} ({m.subscriberStatus[e.status]}){suspended.length > 0 && ` · ${t('entitlementSuspendedDebt', { products: suspended.join(', ') })}`}
              </span>
            );
          })}
        </dd>
      </dl>
      <header className="page-header">
        <h2>{t('services')}</h2>
        {canChange && !creatingService && (
          <button type="button" onClick={() => setCreatingService(true)}>
            {t('newService')}
          </button>
        )}
      </header>
      {creatingService && <NewService customerId={id} onDone={() => setCreatingService(false)} />}
      {c.services.map((service) => (
        <ServiceCard key={service.id} serviceId={service.id} customerId={id} canChange={canChange} suspendedForDebt={suspendedForDebt} />
      ))}
      <Explain customerId={id} />
      <Decisions customerId={id} />
      <History customerId={id} />
    </Page>
  );
}

function ServiceCard({ serviceId, customerId, canChange, suspendedForDebt }: { serviceId: string; customerId: string; canChange: boolean; suspendedForDebt: boolean }) {
  const { t, m, money, date } = useI18n();
  const queries = useQueryClient();
  const service = useQuery({ queryKey: ['service', serviceId], queryFn: () => unwrap(subscriptions.GET('/v1/services/{id}', { params: { path: { id: serviceId } } })) });
  // The service's own plan, by id (a list of plans may not hold it).
  const planId = service.data?.planId ?? null;
  const planQuery = useQuery({
    queryKey: ['plan', planId],
    enabled: planId !== null,
    queryFn: () => unwrap(catalog.GET('/v1/plans/{id}', { params: { path: { id: planId! } } })),
  });
  const detach = useMutation({
    mutationFn: (attachmentId: string) => unwrap(subscriptions.DELETE('/v1/services/{id}/packages/{attachmentId}', { params: { path: { id: serviceId, attachmentId } } })),
    onSuccess: () => Promise.all([queries.invalidateQueries({ queryKey: ['service', serviceId] }), queries.invalidateQueries({ queryKey: ['customer', customerId] }), queries.invalidateQueries({ queryKey: ['history', customerId] })]),
  });
  const [adding, setAdding] = useState(false);
  const s = service.data;
  if (!s) return <ProblemMessage error={service.error} />;
  const plan = s.planId === null ? undefined : planQuery.data;
  // Until the plan's name arrives, no name rather than "sem plano".
  const planName = s.planId === null ? t('noPlan') : (plan?.name ?? '…');
  const attached = s.packages.filter((p) => p.detachedAt === null);
  return (
    <article className="card" aria-label={`${t('service')} ${s.authLogin ?? s.id}`}>
      <h3>
        {t('service')} {s.authLogin ?? ''} · {planName} · {m.serviceStatus[s.status]}
      </h3>
      {/* The service keeps its own status; the platforms deny it for the customer's debt (R16, R17). */}
      {suspendedForDebt && attached.length > 0 && (s.status === 'enabled' || s.status === 'suspended_debt') && (
        <p className="note" data-testid="debt-suspension">
          {t('debtSuspension')}
        </p>
      )}
      {canChange && <ServiceStatusActions serviceId={serviceId} customerId={customerId} status={s.status} label={`${s.authLogin ?? s.id} · ${planName}`} />}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('package')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {attached.map((p) => (
            <tr key={p.id}>
              <td>
                {p.packageDescription ?? p.packageId}
                {p.fromPlan ? ` (${t('fromPlan')})` : ''}
                {p.trialEndsAt ? ` · ${t('trialUntil', { date: date(p.trialEndsAt) })}` : ''}
              </td>
              <td className="number">{money(p.priceCents)}</td>
              <td>
                {canChange && s.status !== 'cancelled' && (
                  <button type="button" className="small" onClick={() => detach.mutate(p.id)}>
                    {t('detach')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProblemMessage error={detach.error} />
      {canChange && !adding && s.status !== 'cancelled' && (
        <button type="button" onClick={() => setAdding(true)}>
          {t('addPackages')}
        </button>
      )}
      {adding && (s.planId === null || plan) && (
        <AddPackages
          serviceId={serviceId}
          customerId={customerId}
          plan={plan}
          attachedPackageIds={attached.map((p) => p.packageId)}
          onDone={() => setAdding(false)}
        />
      )}
    </article>
  );
}

type StandingAnswer = operations['getCustomersByIdStanding']['responses'][200]['content']['application/json'];

/** Why billing-status holds the customer delinquent, in the console's words, from the oldest overdue invoice. */
function useDelinquencyWhy(): (standing: StandingAnswer) => string {
  const { t, money, date } = useI18n();
  return (standing) => {
    const invoice = standing.overdueInvoice;
    // Without the invoice's figures, billing-status's own sentence is all there is.
    if (!invoice || !invoice.dueDate || invoice.amountCents === null) return standing.reason;
    return t('standingOverdueInvoice', { invoice: invoice.invoiceId, amount: money(invoice.amountCents), due: date(invoice.dueDate), overdueSince: invoice.overdueSince ? date(invoice.overdueSince) : '—' });
  };
}

function Explain({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const standing = useQuery({ queryKey: ['standing', customerId], queryFn: () => unwrap(billing.GET('/v1/customers/{id}/standing', { params: { path: { id: customerId } } })) });
  const delinquencyWhy = useDelinquencyWhy();
  const [product, setProduct] = useState('');
  const ask = useMutation({ mutationFn: () => unwrap(subscriptions.GET('/v1/customers/{id}/explain', { params: { path: { id: customerId }, query: { product } } })) });
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        ask.mutate();
      }}
    >
      <h2>{t('explain')}</h2>
      <Field label={t('product')} name="product" value={product} onChange={(e) => setProduct(e.target.value)} problem={problemOf(ask.error)} />
      <button type="submit">{t('ask')}</button>
      <ProblemMessage error={ask.error} />
      {ask.data && (
        <div role="status" data-testid="explain">
          <p>
            <strong>{ask.data.allowed ? t('allowed') : t('denied')}</strong>: {ask.data.summary}
          </p>
          {/* One answer per integration; a single one is the summary already. */}
          {/* The service's words name the suspension; the debt behind it is billing-status's, worded here. */}
          {ask.data.answers.some((answer) => answer.reason === 'service_suspended_debt') && standing.data?.standing === 'delinquent' && (
            <p data-testid="explain-debt">{t('explainDebtWhy', { reason: delinquencyWhy(standing.data) })}</p>
          )}
          {ask.data.answers.length > 1 && (
            <ul>
              {ask.data.answers.map((answer) => (
                <li key={answer.integrationId}>{answer.summary}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

const HISTORY_PAGE = 50;

/** Who changed what and when, newest first, in the console's language (the service words it). */
function History({ customerId }: { customerId: string }) {
  const { t, locale, dateTime } = useI18n();
  // The language is in the key: switching it asks the service for the words again.
  const history = useQuery({
    queryKey: ['history', customerId, locale],
    queryFn: () => unwrap(subscriptions.GET('/v1/customers/{id}/history', { params: { path: { id: customerId }, query: { limit: HISTORY_PAGE } } })),
  });
  return (
    <section className="card" data-testid="history">
      <h2>{t('history')}</h2>
      <ProblemMessage error={history.error} />
      {history.data && history.data.items.length === 0 && <p>{t('historyEmpty')}</p>}
      {history.data && history.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('historyWhen')}</th>
              <th>{t('historyWho')}</th>
              <th>{t('historyWhat')}</th>
            </tr>
          </thead>
          <tbody>
            {history.data.items.map((entry) => (
              <tr key={entry.id} data-action={entry.action}>
                <td>{dateTime(entry.at)}</td>
                <td>{entry.who}</td>
                <td>{entry.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.data?.nextCursor && <p>{t('historyOlder', { count: HISTORY_PAGE })}</p>}
    </section>
  );
}

const DECISIONS_PAGE = 10;

/** The platform's recent identify/authorise answers for this customer, newest first, a page at a time. */
function Decisions({ customerId }: { customerId: string }) {
  const { t, m, dateTime } = useI18n();
  const pages = useCursorPages();
  const decisions = useQuery({
    queryKey: ['decisions', customerId, pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: async () => ({
      page: pages.page,
      ...(await unwrap(subscriptions.GET('/v1/customers/{id}/decisions', { params: { path: { id: customerId }, query: { limit: DECISIONS_PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } }))),
    }),
  });
  const items = decisions.data?.items ?? [];
  return (
    <section className="card" data-testid="decisions" aria-labelledby="decisions-title">
      <h2 id="decisions-title">{t('decisions')}</h2>
      <ProblemMessage error={decisions.error} />
      {decisions.data && items.length === 0 && <p>{t('decisionsEmpty')}</p>}
      {items.length > 0 && (
        <table>
          <caption>{t('decisionsPage', { page: decisions.data!.page })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('historyWhen')}</th>
              <th scope="col">{t('product')}</th>
              <th scope="col">{t('subscriberId')}</th>
              <th scope="col">{t('decisionAnswer')}</th>
              <th scope="col">{t('decisionReason')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((decision) => (
              <tr key={decision.id}>
                <td>{dateTime(decision.at)}</td>
                <td>{decision.product}</td>
                <td>{decision.subscriberId}</td>
                <td>{decision.allowed ? t('allowed') : t('denied')}</td>
                <td>{m.decisionReasons[decision.reason] ?? decision.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label={t('decisionsPagination')} page={pages.page} nextCursor={decisions.data?.nextCursor} busy={decisions.isFetching} onPrevious={pages.previous} onNext={pages.next} />
    </section>
  );
}
