import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/billing.d.ts';
import { billing, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { parseWhole, refuseInvalidFields } from '../../shared/number-input.ts';
import { Field, Page, ProblemMessage, problemOf } from '../../shared/ui.tsx';

type Settings = operations['getSettings']['responses'][200]['content']['application/json'];

/**
 * Configuração › Cobrança: grace days, the trust unblock's maximum, the daily evaluation's time
 * and the provider's time zone (R16), as billing-status keeps them. The admin changes them; the
 * others read.
 */
export function BillingSettingsPage({ canChange }: { canChange: boolean }) {
  const { m } = useI18n();
  const settings = useQuery({ queryKey: ['billing-settings'], queryFn: () => unwrap(billing.GET('/v1/settings')) });
  return (
    <Page title={`${m.configuration} › ${m.billingSettings}`}>
      <ProblemMessage error={settings.error} />
      {settings.data && <SettingsForm settings={settings.data} canChange={canChange} />}
    </Page>
  );
}

function SettingsForm({ settings, canChange }: { settings: Settings; canChange: boolean }) {
  const { t, dateTime } = useI18n();
  const queries = useQueryClient();
  const [form, setForm] = useState({
    graceDays: String(settings.graceDays),
    maxTrustUnblockDays: String(settings.maxTrustUnblockDays),
    dailyEvaluationTime: settings.dailyEvaluationTime,
    timeZone: settings.timeZone,
  });
  const save = useMutation({
    mutationFn: () => {
      // Days that are not a whole number are refused here, beside their field; ranges are billing-status's.
      const graceDays = parseWhole(form.graceDays);
      const maxTrustUnblockDays = parseWhole(form.maxTrustUnblockDays);
      refuseInvalidFields([
        graceDays === undefined ? { path: 'graceDays', message: t('wholeDays') } : undefined,
        maxTrustUnblockDays === undefined ? { path: 'maxTrustUnblockDays', message: t('wholeDays') } : undefined,
      ]);
      return unwrap(
        billing.PUT('/v1/settings', {
          body: { graceDays: graceDays!, maxTrustUnblockDays: maxTrustUnblockDays!, dailyEvaluationTime: form.dailyEvaluationTime.trim(), timeZone: form.timeZone.trim() },
        }),
      );
    },
    onSuccess: (saved) => queries.setQueryData(['billing-settings'], saved),
  });
  const problem = problemOf(save.error);
  const field = (name: keyof typeof form) => ({ name, value: form[name], problem, readOnly: !canChange, onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });
  return (
    <form
      className="card"
      aria-label={t('billingSettings')}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <p data-testid="settings-source">{settings.source === 'defaults' || !settings.updatedAt ? t('settingsDefaults') : t('settingsUpdated', { at: dateTime(settings.updatedAt) })}</p>
      <Field label={t('graceDays')} inputMode="numeric" {...field('graceDays')} />
      <Field label={t('maxTrustUnblockDays')} inputMode="numeric" {...field('maxTrustUnblockDays')} />
      <Field label={t('dailyEvaluationTime')} placeholder="06:00" {...field('dailyEvaluationTime')} />
      <Field label={t('timeZone')} placeholder="America/Sao_Paulo" {...field('timeZone')} />
      <ProblemMessage error={save.error} />
      {save.isSuccess && <p role="status">{t('settingsSaved')}</p>}
      {canChange && (
        <button type="submit" disabled={save.isPending}>
          {t('save')}
        </button>
      )}
    </form>
  );
}
