import { InvalidKeyError } from './errors.ts';

/**
 * True when `subject` matches `pattern` as NATS matches them: tokens are split on `.`, `*` matches
 * exactly one token, `>` (last token only) matches one or more remaining tokens.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when some subject could match both patterns (used to refuse overlapping streams). */
export function subjectsOverlap(a: string, b: string): boolean {
  return subjectMatches(a, b) || subjectMatches(b, a);
}

const keyPattern = /^[A-Za-z0-9_=.-]+$/;

/** Throws `InvalidKeyError` unless `key` is a valid key-value key on every adapter. */
export function assertValidKey(key: string): void {
  if (!keyPattern.test(key) || key.startsWith('.') || key.endsWith('.') || key.includes('..')) {
    throw new InvalidKeyError(key);
  }
}

/**
 * Delay before a delivery whose handler threw is offered again: 0.5 s, doubling per delivery,
 * at most 30 s. Shared by both adapters so that retry pacing cannot drift between them.
 */
export function failedHandlerDelayMs(deliveryCount: number): number {
  return Math.min(500 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}

/** Defaults the port documents, applied identically by both adapters. */
export const busDefaults = {
  duplicateWindowMs: 2 * 60_000,
  maxDeliver: 10,
  ackWaitMs: 30_000,
  concurrency: 1,
  requestTimeoutMs: 5_000,
  kvHistory: 1,
} as const;

/** The message of an unknown thrown value, on one line (it may travel in a header). */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\r\n]+/g, ' ');
}
