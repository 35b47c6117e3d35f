import type { NeoProduct } from './simulator.ts';

/** The products file given to the CLI is not a JSON array of `{ code, name }` strings. */
export class ProductsFileError extends Error {
  override readonly name = 'ProductsFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Parses the CLI's products file: a JSON array of `{ "code": string, "name": string }`.
 * Codes are not checked against NEO's code pattern, so that an operator can serve invalid
 * codes on purpose; extra fields are dropped.
 *
 * @throws ProductsFileError naming the first offending entry.
 */
export function parseProductsFile(text: string): NeoProduct[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProductsFileError('products file is not valid JSON', { cause: error });
  }
  if (!Array.isArray(parsed)) {
    throw new ProductsFileError('products file must hold a JSON array of { "code", "name" }');
  }
  return parsed.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new ProductsFileError(`products[${index}] must be an object with "code" and "name"`);
    }
    const { code, name } = entry as Record<string, unknown>;
    if (typeof code !== 'string' || typeof name !== 'string') {
      throw new ProductsFileError(`products[${index}] must have string "code" and "name"`);
    }
    return { code, name };
  });
}
