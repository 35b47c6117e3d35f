import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { consoleCall } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ProblemMessage } from '../../shared/ui.tsx';

interface Clock {
  readonly now: string;
  readonly aheadOfRealTimeMs: number;
  readonly jobs?: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly error?: string }>;
}

const PATH = '/api/demo-clock/v1/demo-clock';
const STEPS = [
  { key: 'demoClockHour', body: { hours: 1 } },
  { key: 'demoClockDay', body: { days: 1 } },
  { key: 'demoClockEightDays', body: { days: 8 } },
] as const;

/**
 * The embedded system's demo clock (`npm start -- --demo-clock`, admins only): its time, and
 * buttons that move it forward; every time-driven job runs at once on the new time.
 */
export function DemoClockControl() {
  const { t, dateTime } = useI18n();
  const queries = useQueryClient();
  const clock = useQuery({ queryKey: ['demo-clock'], queryFn: () => consoleCall<Clock>('GET', PATH) });
  const advance = useMutation({
    mutationFn: (body: Record<string, number>) => consoleCall<Clock>('POST', `${PATH}/advance`, body),
    // Trials, trust unblocks and standings may have changed: everything shown is read again.
    onSuccess: async (answer) => {
      queries.setQueryData(['demo-clock'], answer);
      await queries.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'demo-clock' && query.queryKey[0] !== 'session' });
    },
  });
  const failed = advance.data?.jobs?.filter((job) => !job.ok) ?? [];
  return (
    <section className="demo-clock" aria-label={t('demoClock')} data-testid="demo-clock">
      <span>
        {t('demoClock')}: <strong data-testid="demo-clock-now">{clock.data ? dateTime(clock.data.now) : '—'}</strong>
      </span>
      {STEPS.map((step) => (
        <button key={step.key} type="button" disabled={advance.isPending} onClick={() => advance.mutate(step.body)}>
          {t(step.key)}
        </button>
      ))}
      {failed.length > 0 && <span role="alert">{t('demoClockJobsFailed', { names: failed.map((job) => job.name).join(', ') })}</span>}
      <ProblemMessage error={clock.error ?? advance.error} />
    </section>
  );
}
