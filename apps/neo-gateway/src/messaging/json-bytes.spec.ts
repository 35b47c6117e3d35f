import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.ts';

describe('JsonBytes', () => {
  it('when strings of any content are written, then the bytes are the UTF-8 of their JSON, however small the buffer started', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', 'ção', '😀', '\u0000')), { maxLength: 20 }), (initial, values) => {
        const json = new JsonBytes(initial);
        json.raw('[');
        values.forEach((value, i) => {
          if (i > 0) json.raw(',');
          json.string(value);
        });
        json.raw(']');
        expect(Buffer.from(json.take()).toString('utf8')).toBe(JSON.stringify(values));
        expect(JSON.parse(Buffer.from(json.take()).toString('utf8'))).toEqual(values);
      }),
      { numRuns: 2_000 },
    );
  });

  it('when reset, then it writes from the start again', () => {
    const json = new JsonBytes(4);
    json.string('first, longer than the buffer');
    json.reset();
    json.string('second');
    expect(Buffer.from(json.take()).toString()).toBe('"second"');
  });
});
