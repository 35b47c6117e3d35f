import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals platform credentials at rest with AES-256-GCM. The key comes from config
 * (`CATALOG_CREDENTIALS_KEY`, hashed to 256 bits); the sealed form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so a key or format change can be recognised later.
 */
export interface Sealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** AES-GCM's full 128-bit tag: the only length `open` accepts. */
const TAG_BYTES = 16;

export function createSealer(key: string): Sealer {
  const aesKey = createHash('sha256').update(key).digest();
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('sealed value has an unknown format');
      // The tag length is fixed: without it, GCM accepts a truncated tag (down to 4 bytes), which
      // makes a forgery far cheaper than 2^-128 a try.
      const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
