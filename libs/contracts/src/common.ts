import { z } from 'zod';

/** Identifiers are UUIDs (v4 or v7) unless said otherwise. */
export const Id = z.uuid();

/** A platform's own product code, e.g. `mumo`. */
export const ProductCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ or -, at most 64');
export type ProductCode = z.infer<typeof ProductCode>;

/**
 * The largest amount of money the platform stores: 2³¹−1 cents (R$ 21.474.836,47), because every
 * money column is a PostgreSQL `integer`. A bigger number is a 400, never a database error.
 */
export const MAX_CENTS = 2_147_483_647;

/** Money in integer cents (BRL). Never a float; at most `MAX_CENTS`. */
export const Cents = z.number().int().nonnegative().max(MAX_CENTS);

/** R1: which customer attribute NEO's user types as login. */
export const LoginField = z.enum(['login_autenticacao', 'cpf_cnpj', 'email', 'customer_code']);
export type LoginField = z.infer<typeof LoginField>;

/** Monotonic version of an aggregate: consumers keep the highest they saw and ignore older ones. */
export const Version = z.number().int().positive();

export const Timestamp = z.iso.datetime({ offset: true });

/**
 * Characters no stored or queried text may hold: NUL (PostgreSQL text and jsonb refuse it) and
 * UTF-16 surrogates that are not part of a pair (they are not Unicode scalar values, so they
 * cannot be encoded as UTF-8). The HTTP layer refuses them everywhere (see service-kit's
 * `rejectUnstorableText`); `Text` refuses them in a single schema.
 */
export const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `value` holds a character that cannot be stored (`UNSTORABLE_TEXT`). */
export const isUnstorableText = (value: string): boolean => UNSTORABLE_TEXT.test(value);

/** A string that can be stored and queried: no NUL, no lone surrogate. */
export const Text = z.string().refine((value) => !isUnstorableText(value), 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates');

/**
 * Timestamps a page cursor may carry: years 1970–9999. Out of that range PostgreSQL (or the
 * driver) refuses the value (22008), so a forged cursor must be refused before it gets there.
 */
export const CursorTimestamp = z.iso.datetime({ offset: true }).refine((value) => {
  const time = Date.parse(value);
  return Number.isFinite(time) && time >= 0 && time < Date.UTC(10_000, 0, 1);
}, 'a timestamp between 1970 and 9999');

/** The largest PostgreSQL `bigint`. */
export const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A positive `bigint` id written in decimal digits (a cursor's position), within `MAX_BIGINT`. */
export const BigIntIdText = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'decimal digits')
  .refine((value) => BigInt(value) <= MAX_BIGINT, 'at most 9223372036854775807');
