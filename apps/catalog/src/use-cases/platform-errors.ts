import { DomainError } from '@sva/kernel';
import { PlatformAuthError, PlatformBadResponseError, PlatformUnreachableError } from '../platform/content-platform.ts';

/** Turn a platform client failure into the error the operator sees (502: the platform's fault, not theirs). */
export function platformFailure(error: unknown): unknown {
  if (error instanceof PlatformUnreachableError) {
    return new DomainError(error.code, `the platform did not answer: ${error.message}`, { status: 502, retryable: true, cause: error });
  }
  if (error instanceof PlatformAuthError) {
    return new DomainError(error.code, 'the platform rejected the configured credentials', { status: 502, cause: error });
  }
  if (error instanceof PlatformBadResponseError) {
    return new DomainError(error.code, `the platform answered something unusable: ${error.message}`, { status: 502, cause: error });
  }
  return error;
}
