import { describe, expect, it } from 'vitest';
import { createSealer } from './credentials.ts';

const KEY = 'the-configured-credentials-key-0001';

describe('sealing platform credentials at rest (R1)', () => {
  it('when a secret is sealed, then it opens to the same text and the sealed form does not contain it', () => {
    const sealer = createSealer(KEY);
    const sealed = sealer.seal('neo-secret-ção');
    expect(sealed).not.toContain('neo-secret');
    expect(sealer.open(sealed)).toBe('neo-secret-ção');
  });

  it('when the tag is cut short (a forgery that GCM would otherwise check on fewer bits), then opening is refused', () => {
    const sealer = createSealer(KEY);
    const [version, iv, tag, body] = sealer.seal('neo-secret').split('.');
    const tagBytes = Buffer.from(tag!, 'base64url');
    expect(tagBytes).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const short = [version, iv, tagBytes.subarray(0, length).toString('base64url'), body].join('.');
      expect(() => sealer.open(short)).toThrow();
    }
  });

  it('when a byte of the body or the tag is changed, then opening is refused', () => {
    const sealer = createSealer(KEY);
    const [version, iv, tag, body] = sealer.seal('neo-secret').split('.');
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    expect(() => sealer.open([version, iv, flip(tag!), body].join('.'))).toThrow();
    expect(() => sealer.open([version, iv, tag, flip(body!)].join('.'))).toThrow();
  });
});
