import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { operations } from '../../../api/subscriptions.d.ts';
import { subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ConfirmDialog, Field, ProblemMessage, problemOf } from '../../shared/ui.tsx';

type ServiceStatus = operations['getServicesById']['responses'][200]['content']['application/json']['status'];
type Action = 'enabled' | 'suspended_request' | 'cancelled';

/**
 * The operator's moves of a service (R12): Habilitar, Suspender a pedido, Cancelar (final, so
 * confirmed first, with an optional reason for the history). Only the moves the service's status
 * allows are offered; suspension for debt is billing's. When the status changed meanwhile (another
 * operator, billing), the API's refusal is shown and the card reloads with the status as it is.
 */
export function ServiceStatusActions({ serviceId, customerId, status, label }: { serviceId: string; customerId: string; status: ServiceStatus; label: string }) {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const refresh = () =>
    Promise.all([queries.invalidateQueries({ queryKey: ['service', serviceId] }), queries.invalidateQueries({ queryKey: ['customer', customerId] }), queries.invalidateQueries({ queryKey: ['history', customerId] })]);
  const change = useMutation({
    mutationFn: (to: Action) =>
      unwrap(subscriptions.POST('/v1/services/{id}/status', { params: { path: { id: serviceId } }, body: { status: to, ...(to === 'cancelled' && reason.trim() !== '' ? { reason: reason.trim() } : {}) } })),
    onSuccess: async () => {
      setConfirming(false);
      setReason('');
      await refresh();
    },
    onError: async () => {
      setConfirming(false);
      await refresh();
    },
  });
  const offered: Action[] =
    status === 'cancelled'
      ? []
      : [...(status !== 'enabled' ? (['enabled'] as const) : []), ...(status === 'enabled' || status === 'suspended_debt' ? (['suspended_request'] as const) : []), 'cancelled'];
  const words: Record<Action, string> = { enabled: t('enable'), suspended_request: t('suspendOnRequest'), cancelled: t('cancelService') };
  return (
    <div className="status-actions">
      {offered.length > 0 && (
        <div className="actions" role="group" aria-label={t('statusActions')}>
          {offered.map((to) => (
            <button key={to} type="button" className={to === 'cancelled' ? 'danger small' : 'small'} disabled={change.isPending} onClick={() => (to === 'cancelled' ? setConfirming(true) : change.mutate(to))}>
              {words[to]}
            </button>
          ))}
        </div>
      )}
      <ProblemMessage error={change.error} />
      <ConfirmDialog open={confirming} title={t('cancelServiceTitle', { service: label })} confirmLabel={t('confirmCancel')} backLabel={t('back')} busy={change.isPending} onConfirm={() => change.mutate('cancelled')} onBack={() => setConfirming(false)}>
        <p>{t('cancelServiceWarning')}</p>
        <Field label={t('reasonOptional')} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={problemOf(change.error)} />
      </ConfirmDialog>
    </div>
  );
}
