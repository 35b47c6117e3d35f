/**
 * What the catalog needs from a content platform (NEO and the like): check that the configured
 * credentials work (*Test*, R4) and pull the product list (*Sync*, R4). Implementations turn every
 * failure into one of the three errors below, so the HTTP layer can map them without knowing the
 * platform.
 */

/** A product as the platform lists it. `code` is the platform's own identifier, stable across syncs. */
export interface PlatformProduct {
  readonly code: string;
  readonly name: string;
}

/** Where a platform is and how the provider authenticates to it (configured per integration). */
export interface PlatformConnection {
  /** Base URL of the platform's partner API, with or without a trailing `/`, e.g. `https://api.neo.example/partner`. */
  readonly baseUrl: string;
  readonly clientId: string;
  /** Never logged nor put in an error message. */
  readonly clientSecret: string;
}

/** A client for one configured platform connection. */
export interface ContentPlatformClient {
  /**
   * Resolves when the platform answers with the configured credentials (R4, *Test*).
   *
   * @throws PlatformUnreachableError, PlatformAuthError or PlatformBadResponseError.
   */
  test(): Promise<void>;
  /**
   * The platform's whole product list (R4, *Sync*). Codes are valid and unique; names are trimmed
   * and non-empty.
   *
   * @throws PlatformUnreachableError, PlatformAuthError or PlatformBadResponseError.
   */
  listProducts(): Promise<PlatformProduct[]>;
}

/** Base class of the platform client's failures; `code` is stable and fit for a problem+json answer. */
export abstract class ContentPlatformError extends Error {
  abstract readonly code: string;
}

/**
 * The platform could not be reached or kept failing: a network error, no answer within the
 * timeout, or a 5xx, on every attempt. Also raised when the configured base URL is not a usable
 * http(s) URL. Trying again later may succeed.
 */
export class PlatformUnreachableError extends ContentPlatformError {
  override readonly name = 'PlatformUnreachableError';
  readonly code = 'CATALOG_PLATFORM_UNREACHABLE';
  /** How many requests were made before giving up (0 when the base URL itself is unusable). */
  readonly attempts: number;

  constructor(message: string, options: { attempts: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.attempts = options.attempts;
  }
}

/** The platform refused the configured credentials (HTTP 401 or 403). Never retried. */
export class PlatformAuthError extends ContentPlatformError {
  override readonly name = 'PlatformAuthError';
  readonly code = 'CATALOG_PLATFORM_CREDENTIALS_REJECTED';
  /** The HTTP status the platform answered: 401 or 403. */
  readonly status: number;

  constructor(message: string, options: { status: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * The platform answered, but not with what the agreed API promises: a body that is not JSON, of
 * the wrong shape, with duplicated or invalid product codes, or an unexpected 4xx status (a wrong
 * base URL typically yields 404). The message says what was wrong, e.g.
 * "product code 'mumo' appears twice". Never retried.
 */
export class PlatformBadResponseError extends ContentPlatformError {
  override readonly name = 'PlatformBadResponseError';
  readonly code = 'CATALOG_PLATFORM_BAD_RESPONSE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
