import { ConflictError } from '@sva/kernel';

/** R20: a competência closes once, in order, after it ended. */
export const periodAlreadyClosed = (period: string) =>
  new ConflictError('SUBSCRIPTIONS_BILLING_PERIOD_CLOSED', `competência ${period} is already closed; its lines are final (R20)`, { rule: 'R20', fields: [{ path: 'period', message: 'already closed' }] });
export const periodNotEnded = (period: string, current: string) =>
  new ConflictError('SUBSCRIPTIONS_BILLING_PERIOD_NOT_ENDED', `competência ${period} has not ended yet (the current one is ${current}); only a past month can be closed`, {
    rule: 'R20',
    fields: [{ path: 'period', message: `must be before ${current}` }],
  });
export const periodOutOfOrder = (period: string, expected: string) =>
  new ConflictError('SUBSCRIPTIONS_BILLING_PERIOD_OUT_OF_ORDER', `competências close in order: close ${expected} before ${period}`, { rule: 'R20', fields: [{ path: 'period', message: `close ${expected} first` }] });
export const periodCloseRunning = (period: string, running: string) =>
  new ConflictError('SUBSCRIPTIONS_BILLING_CLOSE_RUNNING', `competência ${running} is being closed; ask for ${period} once it is closed (GET /v1/billing/periods/${running})`, {
    rule: 'R20',
    fields: [{ path: 'period', message: `${running} is being closed` }],
  });
