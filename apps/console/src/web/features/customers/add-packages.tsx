import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalog, subscriptions, unwrap } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { parseMoney } from '../../shared/money.ts';
import { refuseInvalidFields } from '../../shared/number-input.ts';
import { useSession } from '../auth/session.ts';
import { Field, FormCard, problemOf } from '../../shared/ui.tsx';

interface PlanLike {
  readonly lockPackages: boolean;
  readonly packages: ReadonlyArray<{ readonly packageId: string }>;
}

/**
 * Serviços do Cliente › Pacotes › Adicionar Pacotes: only packages the service may take (active,
 * not on it yet; for a plan that locks packages, only the plan's, with the line saying so — R8);
 * the value is prefilled from the package and may be edited. A paid package outside the plan's
 * mandatory ones needs the customer's consent (R19): how it was given, and an optional reference;
 * the operator logged in is who took it, now.
 */
const CONSENT_CHANNELS = ['in_person', 'phone', 'app', 'signed_contract'] as const;
type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export function AddPackages(props: { serviceId: string; customerId: string; plan: PlanLike | undefined; attachedPackageIds: string[]; onDone: () => void }) {
  const { t, money } = useI18n();
  const queries = useQueryClient();
  const packages = useQuery({ queryKey: ['packages', 'active'], queryFn: () => unwrap(catalog.GET('/v1/packages', { params: { query: { active: 'true', limit: 100 } } })) });
  const locked = props.plan?.lockPackages === true;
  const candidates = (packages.data?.items ?? []).filter(
    (p) => !props.attachedPackageIds.includes(p.id) && (!locked || props.plan!.packages.some((entry) => entry.packageId === p.id)),
  );
  const [packageId, setPackageId] = useState('');
  const [price, setPrice] = useState('');
  const [channel, setChannel] = useState<ConsentChannel | ''>('');
  const [reference, setReference] = useState('');
  const session = useSession();
  const chosen = candidates.find((p) => p.id === packageId);
  const attach = useMutation({
    mutationFn: () => {
      // Blank keeps the package's price (R7); anything else must be an amount, or nothing is sent.
      const priceCents = price.trim() === '' ? undefined : parseMoney(price);
      refuseInvalidFields([price.trim() !== '' && priceCents === undefined ? { path: 'priceCents', message: t('amountReais') } : undefined]);
      return unwrap(
        subscriptions.POST('/v1/services/{id}/packages', {
          params: { path: { id: props.serviceId } },
          body: {
            packageId,
            ...(priceCents === undefined ? {} : { priceCents }),
            ...(channel === ''
              ? {}
              : { consent: { channel, at: new Date().toISOString(), by: session.data?.operator.username ?? '', ...(reference === '' ? {} : { reference }) } }),
          },
        }),
      );
    },
    onSuccess: async () => {
      await Promise.all([queries.invalidateQueries({ queryKey: ['service', props.serviceId] }), queries.invalidateQueries({ queryKey: ['customer', props.customerId] }), queries.invalidateQueries({ queryKey: ['history', props.customerId] })]);
      props.onDone();
    },
  });
  return (
    <FormCard
      heading={<h4>{t('addPackages')}</h4>}
      onSubmit={() => attach.mutate()}
      error={attach.error}
      submitLabel={t('add')}
      submitDisabled={!chosen || attach.isPending}
      onCancel={props.onDone}
    >
      {locked && (
        <p className="note" data-testid="locked-note">
          {t('lockedExplanation')}
        </p>
      )}
      {packages.data && candidates.length === 0 && <p>{t('nothingToAdd')}</p>}
      <div className="field">
        <label htmlFor="add-package">{t('package')}</label>
        <select
          id="add-package"
          value={packageId}
          onChange={(e) => {
            setPackageId(e.target.value);
            const pkg = candidates.find((p) => p.id === e.target.value);
            setPrice(pkg ? (pkg.priceCents / 100).toFixed(2).replace('.', ',') : '');
          }}
        >
          <option value="">—</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.description} ({money(p.priceCents)})
            </option>
          ))}
        </select>
      </div>
      <Field label={`${t('price')} (R$)`} name="priceCents" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} problem={problemOf(attach.error)} />
      <div className="field">
        <label htmlFor="consent-channel">{t('consentChannel')}</label>
        <select id="consent-channel" value={channel} onChange={(e) => setChannel(e.target.value as ConsentChannel | '')}>
          <option value="">{t('consentNone')}</option>
          {CONSENT_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`consent_${c}`)}
            </option>
          ))}
        </select>
      </div>
      <Field label={t('consentReference')} name="consent.reference" value={reference} onChange={(e) => setReference(e.target.value)} problem={problemOf(attach.error)} />
    </FormCard>
  );
}
