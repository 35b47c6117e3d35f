import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, OWASP_SCRYPT, verifyPassword } from './passwords.ts';

describe('password verifiers', () => {
  it('when hashed, then the verifier names OWASP scrypt parameters and holds no password', async () => {
    const verifier = await hashPassword('correct horse battery');
    expect(verifier).toMatch(new RegExp(`^scrypt\\$N=${OWASP_SCRYPT.N},r=8,p=1\\$`));
    expect(verifier).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', verifier)).toBe(true);
    expect(await verifyPassword('correct horse batterY', verifier)).toBe(false);
  });

  it('when the same password is hashed twice, then the salts differ', async () => {
    expect(await hashPassword('same', { N: 1024, r: 8, p: 1 })).not.toBe(await hashPassword('same', { N: 1024, r: 8, p: 1 }));
  });

  it('when the verifier is malformed, then nothing matches', async () => {
    expect(await verifyPassword('', 'plain-text')).toBe(false);
  });

  it('generated passwords are 20 url-safe characters', () => {
    expect(generatePassword()).toMatch(/^[\w-]{20}$/);
  });
});
