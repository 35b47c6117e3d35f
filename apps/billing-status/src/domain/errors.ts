import { ConflictError, NotFoundError, RuleViolationError } from '@sva/kernel';

export const invoiceOfOtherCustomer = (invoiceId: string) =>
  new ConflictError('BILLING_INVOICE_OTHER_CUSTOMER', `invoice ${invoiceId} belongs to another customer`, {
    fields: [{ path: 'customerId', message: 'does not match the customer of the invoice' }],
  });

export const factConflict = (invoiceId: string, fact: string, occurredAt: string) =>
  new ConflictError(
    'BILLING_FACT_CONFLICT',
    `a different ${fact} fact for invoice ${invoiceId} at ${occurredAt} was already recorded; a fact is identified by invoice, kind and occurredAt`,
    { fields: [{ path: 'occurredAt', message: 'another fact of this kind for this invoice has this time' }] },
  );

export const invoiceNotFound = (invoiceId: string) => new NotFoundError('BILLING_INVOICE_NOT_FOUND', `no fact about invoice ${invoiceId} was reported`);

export const trustUnblockTooLong = (days: number, max: number) =>
  new RuleViolationError(
    'BILLING_TRUST_UNBLOCK_TOO_LONG',
    max === 0 ? 'trust unblocks are disabled by the provider settings (maxTrustUnblockDays is 0)' : `a trust unblock lasts at most ${max} days; ${days} were asked`,
    'R16',
    [{ path: 'days', message: `at most ${max}`, rule: 'R16' }],
  );

export const customerNotDelinquent = (customerId: string) =>
  new ConflictError('BILLING_CUSTOMER_NOT_DELINQUENT', `customer ${customerId} has no invoice overdue past the grace period; a trust unblock is for delinquent customers`, {
    rule: 'R16',
  });

export const trustUnblockActive = (customerId: string, until: Date) =>
  new ConflictError('BILLING_TRUST_UNBLOCK_ACTIVE', `customer ${customerId} already has a trust unblock until ${until.toISOString()}`, { rule: 'R16' });

export const evaluationRunning = (day: string) =>
  new ConflictError('BILLING_EVALUATION_RUNNING', `the evaluation of ${day} is running on another replica; try again when it finished`);

export const evaluationNotFound = (day: string) => new NotFoundError('BILLING_EVALUATION_NOT_FOUND', `no evaluation ran for ${day}`);
