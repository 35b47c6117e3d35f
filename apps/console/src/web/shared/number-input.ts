import { ProblemError } from './api.ts';

/** `7` or ` 12 ` → the whole number; anything else (`sete`, `-1`, `1,5`, blank) → `undefined`. */
export function parseWhole(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** A field the console refuses before sending: its path as the services name it (`packages.1.trialDays`) and the message. */
export interface FieldRefusal {
  readonly path: string;
  readonly message: string;
}

/** The code of a refusal the console makes itself, before anything is sent. */
export const CONSOLE_INVALID_FIELDS = 'CONSOLE_INVALID_FIELDS';

/**
 * Throws the refusals, when any, as a problem shaped like the services' validation answers, so
 * each shows beside its field as theirs do and the request is never sent. Called first thing in
 * a mutation's function.
 */
export function refuseInvalidFields(refusals: ReadonlyArray<FieldRefusal | undefined>): void {
  const errors = refusals.filter((refusal): refusal is FieldRefusal => refusal !== undefined);
  if (errors.length > 0) throw new ProblemError({ status: 400, code: CONSOLE_INVALID_FIELDS, errors });
}
