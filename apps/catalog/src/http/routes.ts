import { isDomainError, ValidationError, type FieldIssue } from '@sva/kernel';
import { answerLanguage, schemaIssueMessage, type AnswerLanguage, type HttpApp, type SchemaIssue } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { mapFieldPaths } from '../domain/errors.ts';
import { integrationRoutes } from './integrations.routes.ts';
import { packageRoutes } from './packages.routes.ts';
import { planRoutes } from './plans.routes.ts';

/** Field paths the request's other parts own; every other path of a catalog refusal names a body field. */
const NOT_BODY = /^(querystring|params|headers)\./;

/**
 * The catalog's operator API under `/v1`. Its refusals name fields and rules alike, whether a
 * use case refused the request or the request schema did:
 * - use cases speak of the request's fields (`composition.1.share.percent`); this scope adds the
 *   `body.` prefix the shared request validation uses;
 * - schema refusals (400 `HTTP_VALIDATION_FAILED`) get the rule governing each body field
 *   (`R5` for a package's price, `R6` for a plan's packages, …).
 * The service kit then answers problem+json.
 */
export function catalogApi(app: HttpApp, ctx: CatalogContext): void {
  app.register(async (scope: HttpApp) => {
    scope.setErrorHandler((error, request) => {
      if (isDomainError(error)) throw mapFieldPaths(error, (path) => (NOT_BODY.test(path) ? path : `body.${path}`));
      const validation = schemaValidation(error);
      if (validation) throw withRules(validation, request.routeOptions.url ?? '', answerLanguage(request.headers['accept-language']));
      throw error;
    });
    integrationRoutes(scope, ctx);
    packageRoutes(scope, ctx);
    planRoutes(scope, ctx);
  });
}

interface SchemaValidation {
  readonly context: string;
  readonly issues: readonly (SchemaIssue & { readonly instancePath: string })[];
}

/** Fastify's request-validation failure (what the zod type provider raises), if `error` is one. */
function schemaValidation(error: unknown): SchemaValidation | undefined {
  if (!(error instanceof Error) || !('validation' in error) || !Array.isArray(error.validation)) return undefined;
  const context = 'validationContext' in error && typeof error.validationContext === 'string' ? error.validationContext : 'body';
  return { context, issues: error.validation as SchemaValidation['issues'] };
}

/**
 * The rule each body field of a route answers to: a package's fields to R5 (price, fiscal
 * composition, grants), a plan's to R6, an integration's to R1 except the platform connection
 * (R4: Test and Sync use it) and `exclusivePackages` (R5). `version` is concurrency, not a rule.
 */
function ruleOf(route: string, field: string | undefined): string | undefined {
  if (field === undefined || field === 'version') return undefined;
  if (route.startsWith('/v1/integrations')) return field === 'platform' ? 'R4' : field === 'exclusivePackages' ? 'R5' : 'R1';
  if (route.startsWith('/v1/packages')) return 'R5';
  if (route.startsWith('/v1/plans')) return 'R6';
  return undefined;
}

function withRules(validation: SchemaValidation, route: string, language: AnswerLanguage): ValidationError {
  const errors: FieldIssue[] = validation.issues.map((issue) => {
    const segments = issue.instancePath.split('/').filter(Boolean);
    const rule = validation.context === 'body' ? ruleOf(route, segments[0]) : undefined;
    return { path: [validation.context, ...segments].join('.'), message: schemaIssueMessage(issue, language), ...(rule ? { rule } : {}) };
  });
  const rules = new Set(errors.map((issue) => issue.rule));
  const [only] = rules;
  return new ValidationError('HTTP_VALIDATION_FAILED', `request ${validation.context} is invalid`, errors, rules.size === 1 ? only : undefined);
}
