import { ConflictError, NotFoundError, RuleViolationError, type FieldIssue } from '@sva/kernel';

export const integrationNotFound = (id: string) => new NotFoundError('CATALOG_INTEGRATION_NOT_FOUND', `integration ${id} does not exist`);
export const packageNotFound = (id: string) => new NotFoundError('CATALOG_PACKAGE_NOT_FOUND', `package ${id} does not exist`);

/** R5: a package may only grant synced, active products of the integration. */
export const productsNotGrantable = (fields: readonly FieldIssue[]) =>
  new RuleViolationError('CATALOG_PRODUCT_NOT_GRANTABLE', 'a package can only grant synced, active products of its integrations (R5)', 'R5', fields);

export const staleVersion = (what: string, expected: number, actual: number) =>
  new ConflictError('CATALOG_STALE_VERSION', `${what} is at version ${actual}, the request expected ${expected}; reload and retry`);
