import { useQueries, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { catalog, subscriptions, unwrap } from '../../shared/api.ts';
import { toCsv, downloadText } from '../../shared/csv.ts';
import { PROVIDER_TIME_ZONE, useI18n } from '../../shared/i18n.tsx';
import { Page, ProblemMessage, SelectField } from '../../shared/ui.tsx';
import { monthOf, recentMonths } from './month.ts';

/** How many months back can be chosen (the service keeps the counts for good; two years covers an invoice dispute). */
const REPORT_MONTHS = 24;

interface ReportLine {
  readonly integration: string;
  readonly productCode: string;
  readonly productName: string | undefined;
  readonly activeSubscribers: number;
}

/**
 * Relatórios › Assinantes ativos por mês: per integration and product, the subscribers with at
 * least one allowed authorisation in the month (what the provider checks the platform's invoice
 * against), as a table, a bar chart and a CSV for a spreadsheet. Last month by default.
 */
export function ReportsPage() {
  const { t, m, number, month: monthName } = useI18n();
  // This month and the REPORT_MONTHS before it, newest first; last month is chosen at first.
  const [months] = useState(() => recentMonths(monthOf(new Date(), PROVIDER_TIME_ZONE), REPORT_MONTHS));
  const [month, setMonth] = useState(months[1]!);
  const report = useQuery({
    queryKey: ['report', 'active-subscribers', month],
    queryFn: () => unwrap(subscriptions.GET('/v1/reports/active-subscribers', { params: { query: { month } } })),
  });
  const integrations = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(catalog.GET('/v1/integrations', { params: { query: { limit: 50 } } })) });
  const integrationIds = [...new Set(report.data?.items.map((item) => item.integrationId) ?? [])];
  // The names of the products the report counts, by integration (their codes when a name is not found).
  const products = useQueries({
    queries: integrationIds.map((id) => ({
      queryKey: ['products', id],
      queryFn: () => unwrap(catalog.GET('/v1/integrations/{id}/products', { params: { path: { id }, query: { limit: 100 } } })),
    })),
  });
  const lines: ReportLine[] = (report.data?.items ?? []).map((item) => ({
    integration: integrations.data?.items.find((i) => i.id === item.integrationId)?.description ?? item.integrationId,
    productCode: item.product,
    productName: products[integrationIds.indexOf(item.integrationId)]?.data?.items.find((p) => p.code === item.product)?.name,
    activeSubscribers: item.activeSubscribers,
  }));
  const total = lines.reduce((sum, line) => sum + line.activeSubscribers, 0);
  const productLabel = (line: ReportLine) => (line.productName ? `${line.productName} (${line.productCode})` : line.productCode);
  const download = () =>
    downloadText(
      `assinantes-ativos-${month}.csv`,
      toCsv(
        [t('reportMonth'), t('integration'), t('productCode'), t('productName'), t('activeSubscribers')],
        lines.map((line) => [month, line.integration, line.productCode, line.productName ?? '', line.activeSubscribers]),
      ),
    );
  return (
    <Page title={`${m.reports} › ${m.activeSubscribersReport}`}>
      <div className="search">
        <SelectField label={t('reportMonth')} name="month" value={month} onChange={(e) => setMonth(e.target.value)}>
          {months.map((option) => (
            <option key={option} value={option}>
              {monthName(option)}
            </option>
          ))}
        </SelectField>
        <button type="button" onClick={download} disabled={!report.data || lines.length === 0}>
          {t('downloadCsv')}
        </button>
      </div>
      <ProblemMessage error={report.error} />
      {report.isFetching && <p role="status">{t('loading')}</p>}
      {report.data && lines.length === 0 && <p>{t('reportEmpty')}</p>}
      {lines.length > 0 && (
        <>
          <table>
            <caption>{t('activeSubscribersIn', { month: monthName(month) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('integration')}</th>
                <th scope="col">{t('productName')}</th>
                <th scope="col" className="number">
                  {t('activeSubscribers')}
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr key={`${line.integration}/${line.productCode}`}>
                  <td>{line.integration}</td>
                  <td>{productLabel(line)}</td>
                  <td className="number">{number(line.activeSubscribers)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  {t('total')}
                </th>
                <td className="number">{number(total)}</td>
              </tr>
            </tfoot>
          </table>
          <BarChart title={t('activeSubscribersChart')} bars={lines.map((line) => ({ label: `${line.integration} · ${productLabel(line)}`, value: line.activeSubscribers }))} format={number} />
        </>
      )}
    </Page>
  );
}

/** Horizontal bars in plain CSS, each with its label and value in text (read as a list). */
function BarChart({ title, bars, format }: { title: string; bars: ReadonlyArray<{ label: string; value: number }>; format: (n: number) => string }) {
  const titleId = useId();
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure className="bar-chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>{title}</figcaption>
      <ul>
        {bars.map((bar) => (
          <li key={bar.label}>
            <span className="bar-label">{bar.label}</span>
            <span className="bar-track">
              <span className="bar" style={{ width: `${(bar.value / max) * 100}%` }} />
            </span>
            <span className="bar-value">{format(bar.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
