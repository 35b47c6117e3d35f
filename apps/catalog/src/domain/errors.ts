import { ConflictError, DomainError, NotFoundError, RuleViolationError, ValidationError, type FieldIssue } from '@sva/kernel';

/**
 * The catalog's refusals. Every code is stable (`CATALOG_*`) and documented in the app's README;
 * rule refusals are 422 and name the rule, a stale write is 409.
 */

export const integrationNotFound = (id: string) => new NotFoundError('CATALOG_INTEGRATION_NOT_FOUND', `integration ${id} does not exist`);
export const packageNotFound = (id: string) => new NotFoundError('CATALOG_PACKAGE_NOT_FOUND', `package ${id} does not exist`);
export const planNotFound = (id: string) => new NotFoundError('CATALOG_PLAN_NOT_FOUND', `plan ${id} does not exist`);

/** R5: a package may only grant synced, active products of existing integrations. */
export const productsNotGrantable = (fields: readonly FieldIssue[]) =>
  new RuleViolationError('CATALOG_PRODUCT_NOT_GRANTABLE', 'a package can only grant synced, active products of its integrations (R5)', 'R5', fields);

/** R5: an integration with `exclusivePackages` wants its products alone in a package. */
export const exclusiveIntegrationShared = (fields: readonly FieldIssue[]) =>
  new RuleViolationError(
    'CATALOG_INTEGRATION_REQUIRES_EXCLUSIVE_PACKAGE',
    "an integration with exclusivePackages may not share a package with another integration's products (R5)",
    'R5',
    fields,
  );

/** R5: `exclusivePackages` cannot be switched on while packages mix the integration with others. */
export const exclusivityBrokenByPackages = (packages: readonly { id: string; description: string }[]) =>
  new RuleViolationError(
    'CATALOG_INTEGRATION_REQUIRES_EXCLUSIVE_PACKAGE',
    `exclusivePackages cannot be switched on: ${describeList(packages.map((p) => `'${p.description}' (${p.id})`))} also grant${packages.length === 1 ? 's' : ''} other integrations' products (R5)`,
    'R5',
    [{ path: 'exclusivePackages', message: 'packages mix this integration with others; split them first', rule: 'R5' }],
  );

/** R5: the fiscal composition does not add up to the price, or a component is malformed. */
export const compositionInvalid = (fields: readonly FieldIssue[]) =>
  new RuleViolationError('CATALOG_COMPOSITION_INVALID', "the fiscal composition must add up exactly to the package's price (R5)", 'R5', fields);

/** R6: a plan may only list existing, active packages, each once. */
export const planPackagesNotAvailable = (fields: readonly FieldIssue[]) =>
  new RuleViolationError('CATALOG_PLAN_PACKAGE_NOT_AVAILABLE', 'a plan may only list existing, active packages, each once (R6)', 'R6', fields);

/** R10: an active plan may not hold two packages of one single-package integration. */
export const singlePackageConflict = (message: string, fields: readonly FieldIssue[]) =>
  new RuleViolationError('CATALOG_SINGLE_PACKAGE_CONFLICT', `${message} (R10)`, 'R10', fields);

/** R6: a package an active plan lists stays active. */
export const packageInActivePlans = (plans: readonly { id: string; name: string }[]) =>
  new RuleViolationError(
    'CATALOG_PACKAGE_IN_ACTIVE_PLAN',
    `the package is listed by active plan${plans.length === 1 ? '' : 's'} ${describeList(plans.map((p) => `'${p.name}' (${p.id})`))}; remove it from ${plans.length === 1 ? 'that plan' : 'those plans'} or deactivate ${plans.length === 1 ? 'it' : 'them'} first (R6)`,
    'R6',
    [{ path: 'active', message: 'active plans list this package', rule: 'R6' }],
  );

/** Optimistic concurrency: the write was based on an older version. */
export const staleVersion = (what: string, expected: number, actual: number) =>
  new ConflictError('CATALOG_STALE_VERSION', `${what} is at version ${actual}, the request expected ${expected}; reload and retry`, {
    fields: [{ path: 'version', message: `the current version is ${actual}` }],
  });

/** A list cursor that this service did not hand out (or that was altered). */
export const invalidCursor = () =>
  new ValidationError('CATALOG_INVALID_CURSOR', 'the cursor is not one this API handed out; start again without it', [
    { path: 'querystring.cursor', message: 'unknown cursor' },
  ]);

/** The stored platform secret cannot be opened with the configured key (the key changed). */
export const credentialsUnreadable = (cause: unknown) =>
  new DomainError(
    'CATALOG_PLATFORM_CREDENTIALS_UNREADABLE',
    "the integration's stored platform credentials cannot be decrypted with the configured CATALOG_CREDENTIALS_KEY; set platform.clientSecret again",
    { status: 500, cause },
  );

function describeList(items: readonly string[]): string {
  const shown = items.slice(0, 5).join(', ');
  return items.length > 5 ? `${shown} and ${items.length - 5} more` : shown;
}

/** The same refusal with its field paths rewritten (e.g. made relative to the request's body). */
export function mapFieldPaths(error: DomainError, map: (path: string) => string): DomainError {
  if (error.fields.length === 0) return error;
  return new DomainError(error.code, error.message, {
    status: error.status,
    retryable: error.retryable,
    ...(error.rule ? { rule: error.rule } : {}),
    fields: error.fields.map((field) => ({ ...field, path: map(field.path) })),
    cause: error.cause,
  });
}
