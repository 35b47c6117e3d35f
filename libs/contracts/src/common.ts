import { z } from 'zod';

/** Identifiers are UUIDs (v4 or v7) unless said otherwise. */
export const Id = z.uuid();

/** A platform's own product code, e.g. `mumo`. */
export const ProductCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ or -, at most 64');
export type ProductCode = z.infer<typeof ProductCode>;

/** Money in integer cents (BRL). Never a float. */
export const Cents = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** R1: which customer attribute NEO's user types as login. */
export const LoginField = z.enum(['login_autenticacao', 'cpf_cnpj', 'email', 'customer_code']);
export type LoginField = z.infer<typeof LoginField>;

/** Monotonic version of an aggregate: consumers keep the highest they saw and ignore older ones. */
export const Version = z.number().int().positive();

export const Timestamp = z.iso.datetime({ offset: true });
