import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals platform credentials at rest with AES-256-GCM under a key ring: the current key
 * (`CATALOG_CREDENTIALS_KEY`) seals, and it or any previous key (`CATALOG_CREDENTIALS_PREVIOUS_KEYS`)
 * opens. Each key is hashed to 256 bits. The sealed form is `v2.<keyId>.<iv>.<tag>.<ciphertext>`
 * in base64url, where the key id names the key that sealed it (a hash of the key, so it reveals
 * nothing); the older `v1.<iv>.<tag>.<ciphertext>` (no key id) is opened by trying each key.
 */
export interface Sealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** True when the value is not sealed under the current key in the current form (re-seal it). */
  needsReseal(sealed: string): boolean;
}

/** AES-GCM's full 128-bit tag: the only length `open` accepts. */
const TAG_BYTES = 16;

interface RingKey {
  readonly id: string;
  readonly aes: Buffer;
}

const ringKey = (key: string): RingKey => ({
  id: createHash('sha256').update(`catalog-credentials-key-id:${key}`).digest().subarray(0, 6).toString('base64url'),
  aes: createHash('sha256').update(key).digest(),
});

function openWith(key: RingKey, iv: string, tag: string, body: string): string {
  // The tag length is fixed: without it, GCM accepts a truncated tag (down to 4 bytes), which
  // makes a forgery far cheaper than 2^-128 a try.
  const decipher = createDecipheriv('aes-256-gcm', key.aes, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** `current` seals; `current` and each of `previous` open (during a key rotation). */
export function createSealer(current: string, previous: readonly string[] = []): Sealer {
  const sealing = ringKey(current);
  const ring = [sealing, ...previous.map(ringKey)];
  const unknownFormat = () => new Error('sealed value has an unknown format');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealing.aes, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v2', sealing.id, ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const [, id, iv, tag, body] = parts as [string, string, string, string, string];
        const key = ring.find((candidate) => candidate.id === id);
        if (key === undefined) throw new Error('sealed under a key that is not configured');
        return openWith(key, iv, tag, body);
      }
      if (parts[0] !== 'v1' || parts.length !== 4) throw unknownFormat();
      const [, iv, tag, body] = parts as [string, string, string, string];
      let failure: unknown;
      for (const key of ring) {
        try {
          return openWith(key, iv, tag, body);
        } catch (error) {
          failure = error;
        }
      }
      throw failure;
    },
    needsReseal(sealed) {
      return !sealed.startsWith(`v2.${sealing.id}.`);
    },
  };
}
