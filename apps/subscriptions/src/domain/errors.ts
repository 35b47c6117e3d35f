import { ConflictError, DomainError, NotFoundError, RuleViolationError, UnavailableError, ValidationError } from '@sva/kernel';

export const customerNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_CUSTOMER_NOT_FOUND', `customer ${id} does not exist`);
export const serviceNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_SERVICE_NOT_FOUND', `customer service ${id} does not exist`);
export const attachmentNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_ATTACHMENT_NOT_FOUND', `package attachment ${id} does not exist`);
export const packageUnknown = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PACKAGE_UNKNOWN', `package ${id} does not exist in the catalog`, 'R5', [{ path: 'packageId', message: 'no such package in the catalog' }]);
export const packageInactive = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PACKAGE_INACTIVE', `package ${id} is inactive and cannot be attached`, 'R5', [{ path: 'packageId', message: 'package is inactive' }]);
export const invalidDocument = () =>
  new ValidationError('SUBSCRIPTIONS_INVALID_DOCUMENT', 'document is not a valid CPF or CNPJ', [{ path: 'document', message: 'not a valid CPF (11 digits) or CNPJ (14 characters: 12 letters or digits, 2 check digits): wrong length, characters or check digits' }]);
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
export const planUnknown = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PLAN_UNKNOWN', `plan ${id} does not exist in the catalog`, 'R6', [{ path: 'planId', message: 'no such plan in the catalog' }]);
export const planInactive = (id: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PLAN_INACTIVE', `plan ${id} is inactive: new services cannot be given it`, 'R6', [{ path: 'planId', message: 'plan is inactive' }]);
/** R8, R9, R10: a rule refused the change; the message says why in the operator's words. */
export const packageLockedByPlan = (message: string) =>
  new RuleViolationError('SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN', message, 'R8', [{ path: 'packageId', message: 'not in the service plan, which locks packages', rule: 'R8' }]);
export const mandatoryPackage = (message: string) =>
  new RuleViolationError('SUBSCRIPTIONS_MANDATORY_PACKAGE', message, 'R9', [{ path: 'attachmentId', message: 'mandatory in the service plan', rule: 'R9' }]);
export const singlePackage = (message: string, path = 'packageId') =>
  new RuleViolationError('SUBSCRIPTIONS_SINGLE_PACKAGE', message, 'R10', [{ path, message: 'the customer already holds a package of this single-package integration', rule: 'R10' }]);
export const packageAlreadyAttached = (packageId: string, serviceId: string) =>
  new ConflictError('SUBSCRIPTIONS_PACKAGE_ALREADY_ATTACHED', `package ${packageId} is already attached to service ${serviceId}`, { fields: [{ path: 'packageId', message: 'already attached to this service' }] });
export const attachmentDetached = (id: string) =>
  new ConflictError('SUBSCRIPTIONS_ATTACHMENT_DETACHED', `package attachment ${id} was detached; its price can no longer change`);
export const invalidActor = () =>
  new ValidationError('SUBSCRIPTIONS_INVALID_ACTOR', 'X-Actor must be 1–100 printable characters naming who acts (e.g. the operator user name); "system:" is reserved', [
    { path: 'headers.x-actor', message: '1–100 printable characters, not starting with "system:"' },
  ]);
export const invalidIdempotencyKey = () =>
  new ValidationError('SUBSCRIPTIONS_INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters', [
    { path: 'headers.idempotency-key', message: '1–255 visible ASCII characters (a UUID is a good choice)' },
  ]);
export const idempotencyKeyReused = (key: string) =>
  new DomainError('SUBSCRIPTIONS_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was already used for a different request; use a new key for a new request`, {
    status: 422,
    fields: [{ path: 'headers.idempotency-key', message: 'already used with another request body or target' }],
  });
export const integrationNotFound = (id: string) =>
  new NotFoundError('SUBSCRIPTIONS_INTEGRATION_NOT_FOUND', `integration ${id} is not known to subscriptions`);
export const subscriberNotFound = (id: string) => new NotFoundError('SUBSCRIPTIONS_SUBSCRIBER_NOT_FOUND', `subscriber ${id} does not exist`);
export const invalidCursor = () =>
  new ValidationError('SUBSCRIPTIONS_INVALID_CURSOR', 'cursor is not one this API gave out', [{ path: 'query.cursor', message: 'pass the nextCursor of the previous page unchanged' }]);
/** R19: a paid package outside the plan's mandatory ones needs the customer's consent. */
export const consentRequired = (path: string, message: string) =>
  new ValidationError('SUBSCRIPTIONS_CONSENT_REQUIRED', message, [{ path, message, rule: 'R19' }], 'R19');
/** A name term that is empty or too short once accents, case and spaces are set aside (it would match nearly everyone). */
export const nameTermTooShort = (min: number) =>
  new ValidationError('SUBSCRIPTIONS_NAME_TERM_TOO_SHORT', `name must have at least ${min} letters or digits to search by`, [
    { path: 'querystring.name', message: `at least ${min} characters, not counting accents and spaces at the ends` },
  ]);
