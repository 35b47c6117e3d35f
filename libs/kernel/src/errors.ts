/**
 * A field-level problem with a request, as listed in a problem+json `errors` array.
 * `path` is a JSON pointer-like dotted path (`components.1.share`), `message` is for humans.
 */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  /** The rule the field breaks, when there is one (e.g. `R5`). */
  readonly rule?: string;
}

export interface DomainErrorOptions {
  /** HTTP status the error maps to at the edge. */
  readonly status: number;
  /** Whether trying again later may succeed (a consumer naks instead of terminating). */
  readonly retryable?: boolean;
  /** The domain rule this refusal enforces, named in the answer (e.g. `R8`). */
  readonly rule?: string;
  readonly fields?: readonly FieldIssue[];
  readonly cause?: unknown;
}

/**
 * A refusal or failure the domain knows about. Each subclass (or instance) carries a stable
 * `code` such as `SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN`, the HTTP status it maps to, and whether
 * retrying may help. The HTTP layer turns it into RFC 9457 problem+json; nothing here knows HTTP.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly rule: string | undefined;
  readonly fields: readonly FieldIssue[];

  constructor(code: string, message: string, options: DomainErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.rule = options.rule;
    this.fields = options.fields ?? [];
  }
}

/** 400: the request is malformed or breaks a field rule. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  constructor(code: string, message: string, fields: readonly FieldIssue[], rule?: string) {
    super(code, message, { status: 400, fields, ...(rule ? { rule } : {}) });
  }
}

/** 404: the addressed resource does not exist. */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(code: string, message: string) {
    super(code, message, { status: 404 });
  }
}

/** 409: the request conflicts with current state (stale version, duplicate, rule refusal on state). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(code: string, message: string, options: { rule?: string; fields?: readonly FieldIssue[] } = {}) {
    super(code, message, { status: 409, ...options });
  }
}

/** 422: well-formed, but a business rule refuses it. The rule is named. */
export class RuleViolationError extends DomainError {
  override readonly name = 'RuleViolationError';
  constructor(code: string, message: string, rule: string, fields: readonly FieldIssue[] = []) {
    super(code, message, { status: 422, rule, fields });
  }
}

/** 503: a dependency is unavailable; retrying later may succeed. */
export class UnavailableError extends DomainError {
  override readonly name = 'UnavailableError';
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { status: 503, retryable: true, cause });
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
