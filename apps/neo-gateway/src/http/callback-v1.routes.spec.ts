import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthoriseQuery, CallbackParams, fastChecks, IdentifyBody } from './callback-v1.routes.ts';

const field = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,70}$/),
  fc.constantFrom('', 'mumo', 'Mumo', '-x', 'a'.repeat(64), 'a'.repeat(65)),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
);

describe('fast checks on the hot routes', () => {
  it.each([
    ['params', CallbackParams, ['integrationId', 'secret']],
    ['identify body', IdentifyBody, ['login', 'password']],
    ['authorise query', AuthoriseQuery, ['subscriber_id', 'product']],
  ] as const)('when any %s comes, then the fast check accepts only what zod accepts', (_name, schema, keys) => {
    const check = fastChecks.get(schema)!;
    const input = fc.oneof(
      fc.record({ [keys[0]]: field, [keys[1]]: field, extra: field }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constant(null),
    );
    let accepted = 0;
    fc.assert(
      fc.property(input, (value) => {
        const fast = check(value);
        if (fast) accepted += 1;
        // Never faster to a wrong yes: a value the fast check lets through must be one zod accepts.
        if (fast) expect(schema.safeParse(value).success).toBe(true);
        // And it rejects nothing zod accepts, so valid requests stay on the fast path.
        if (schema.safeParse(value).success) expect(fast).toBe(true);
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
