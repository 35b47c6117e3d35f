import { createCipheriv, createHash, randomBytes } from 'node:crypto';
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
    const [version, id, iv, tag, body] = sealer.seal('neo-secret').split('.');
    const tagBytes = Buffer.from(tag!, 'base64url');
    expect(tagBytes).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const short = [version, id, iv, tagBytes.subarray(0, length).toString('base64url'), body].join('.');
      expect(() => sealer.open(short)).toThrow();
    }
  });

  it('when a byte of the body or the tag is changed, then opening is refused', () => {
    const sealer = createSealer(KEY);
    const [version, id, iv, tag, body] = sealer.seal('neo-secret').split('.');
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    expect(() => sealer.open([version, id, iv, flip(tag!), body].join('.'))).toThrow();
    expect(() => sealer.open([version, id, iv, tag, flip(body!)].join('.'))).toThrow();
  });
});

describe('rotating the credentials key (CATALOG_CREDENTIALS_KEY + CATALOG_CREDENTIALS_PREVIOUS_KEYS)', () => {
  const OLD = 'the-previous-credentials-key-0001';

  it('when the key is rotated, then values sealed under the previous key still open, new ones are sealed under the new key, and only the old ones need re-sealing', () => {
    const before = createSealer(OLD);
    const sealedBefore = before.seal('neo-secret');
    const during = createSealer(KEY, [OLD]);
    expect(during.open(sealedBefore)).toBe('neo-secret');
    expect(during.needsReseal(sealedBefore)).toBe(true);
    const resealed = during.seal(during.open(sealedBefore));
    expect(during.needsReseal(resealed)).toBe(false);
    // After the rotation the previous key is gone: re-sealed values open, unresealed ones do not.
    const after = createSealer(KEY);
    expect(after.open(resealed)).toBe('neo-secret');
    expect(() => after.open(sealedBefore)).toThrow();
  });

  it('when a value was sealed in the v1 form (no key id), then any key of the ring opens it and it needs re-sealing', () => {
    const legacy = (key: string, plaintext: string) => {
      const aes = createHash('sha256').update(key).digest();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aes, iv, { authTagLength: 16 });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    };
    const sealer = createSealer(KEY, [OLD]);
    expect(sealer.open(legacy(OLD, 'old-form'))).toBe('old-form');
    expect(sealer.open(legacy(KEY, 'old-form-2'))).toBe('old-form-2');
    expect(sealer.needsReseal(legacy(KEY, 'x'))).toBe(true);
    expect(() => createSealer('yet-another-credentials-key-000001').open(legacy(OLD, 'x'))).toThrow();
  });
});
