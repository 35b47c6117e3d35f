import { ConflictError, NotFoundError, RuleViolationError, UnavailableError, ValidationError } from '@sva/kernel';

export const customerNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_CUSTOMER_NOT_FOUND', `customer ${id} does not exist`);
export const serviceNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_SERVICE_NOT_FOUND', `customer service ${id} does not exist`);
export const attachmentNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_ATTACHMENT_NOT_FOUND', `package attachment ${id} does not exist`);
export const packageUnknown = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PACKAGE_UNKNOWN', `package ${id} does not exist in the catalog`, 'R5', [{ path: 'packageId', message: 'no such package in the catalog' }]);
export const packageInactive = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PACKAGE_INACTIVE', `package ${id} is inactive and cannot be attached`, 'R5', [{ path: 'packageId', message: 'package is inactive' }]);
export const invalidDocument = () =>
  new ValidationError('SUBSCRIPTIONS_INVALID_DOCUMENT', 'document is not a valid CPF or CNPJ', [{ path: 'document', message: 'not a valid CPF (11 digits) or CNPJ (14 digits): check digits do not match' }]);
export const duplicateCustomer = (field: string) =>
  new ConflictError('SUBSCRIPTIONS_CUSTOMER_EXISTS', `a customer with this ${field} already exists`, { fields: [{ path: field, message: 'already registered' }] });
export const duplicateAuthLogin = () =>
  new ConflictError('SUBSCRIPTIONS_AUTH_LOGIN_TAKEN', 'this network login belongs to another service', { fields: [{ path: 'authLogin', message: 'already in use' }] });
export const serviceCancelled = (id: string) =>
  new ConflictError('SUBSCRIPTIONS_SERVICE_CANCELLED', `customer service ${id} is cancelled; packages cannot change`);
export const illegalTransition = (from: string, to: string) =>
  new ConflictError('SUBSCRIPTIONS_ILLEGAL_STATUS_CHANGE', `a service cannot go from ${from} to ${to}`, { fields: [{ path: 'status', message: `not reachable from ${from}` }] });
export const catalogUnavailable = (cause: unknown) =>
  new UnavailableError('SUBSCRIPTIONS_CATALOG_UNAVAILABLE', 'the catalog did not answer; try again shortly', cause);
