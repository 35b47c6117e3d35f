import { keyIdPrefix, loginKeyId, loginKeyVectors, parseKeyId } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { createLoginHasher, normaliseLogin } from './login-keys.ts';

describe('login keys (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    const id = keyIdPrefix(loginKeyId(vector.hashKey));
    expect(hasher.key(vector.loginField, vector.login)).toBe(id + vector.key);
    expect(hasher.verifier(vector.loginField, id + vector.key, vector.password)).toBe(id + vector.verifier);
    expect(hasher.unboundVerifier(vector.loginField, vector.password)).toBe(vector.unbound);
  });

  it.each(loginKeyVectors)('R14: when a stored $loginField verifier is of the unbound form, then binding it gives the contract verifier without the password', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    const id = keyIdPrefix(loginKeyId(vector.hashKey));
    expect(hasher.bind(vector.key, vector.unbound)).toBe(id + vector.verifier);
    expect(hasher.bind(id + vector.key, vector.unbound)).toBe(id + vector.verifier);
    expect(hasher.bind(id + vector.key, id + vector.verifier)).toBe(id + vector.verifier);
  });

  it('R14: when two logins have the same password, then their verifiers differ', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    const a = hasher.key('login_autenticacao', 'maria.pppoe');
    const b = hasher.key('login_autenticacao', 'joao.pppoe');
    expect(hasher.verifier('login_autenticacao', a, 'senha123')).not.toBe(hasher.verifier('login_autenticacao', b, 'senha123'));
  });

  it('R2: with login field cpf_cnpj, punctuation is ignored in login and password', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('cpf_cnpj', '529.982.247-25')).toBe(hasher.key('cpf_cnpj', '52998224725'));
    const key = hasher.key('cpf_cnpj', '52998224725');
    expect(hasher.verifier('cpf_cnpj', key, '529.982.247-25')).toBe(hasher.verifier('cpf_cnpj', key, '52998224725'));
  });

  it('R2: with login_autenticacao, the password is taken as typed (case and spaces matter)', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    const key = hasher.key('login_autenticacao', 'maria');
    expect(hasher.verifier('login_autenticacao', key, 'Secret ')).not.toBe(hasher.verifier('login_autenticacao', key, 'secret'));
  });

  it('when the same value is typed under two login fields, then the keys differ', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('customer_code', '12345678909')).not.toBe(hasher.key('cpf_cnpj', '12345678909'));
  });

  it('when normalising an email, then it is trimmed and lowercased', () => {
    expect(normaliseLogin('email', ' Maria@Example.COM ')).toBe('maria@example.com');
  });

  describe('key ids and rotation (issue 12 item 6)', () => {
    const oldKey = 'old-login-hash-key-0123456789abcdef';
    const newKey = 'new-login-hash-key-0123456789abcdef';

    it('when parsing stored values, then the key id and the value proper are told apart', () => {
      expect(loginKeyId(oldKey)).toMatch(/^[0-9a-f]{8}$/);
      expect(loginKeyId(oldKey)).not.toBe(loginKeyId(newKey));
      expect(parseKeyId('k0a1b2c3d.b1.abc')).toEqual({ keyId: '0a1b2c3d', value: 'b1.abc' });
      expect(parseKeyId('k0a1b2c3d.S3HI4v9g')).toEqual({ keyId: '0a1b2c3d', value: 'S3HI4v9g' });
      expect(parseKeyId('b1.abc')).toEqual({ keyId: undefined, value: 'b1.abc' });
      // base64url keys may start with k: only `k` + 8 hex digits + `.` is a key id.
      expect(parseKeyId('kqAWhzOWVmJNFFdATUcpTE6bsWXQ-eB8Rvs_qw7ANLE')).toEqual({ keyId: undefined, value: 'kqAWhzOWVmJNFFdATUcpTE6bsWXQ-eB8Rvs_qw7ANLE' });
      expect(parseKeyId('k0A1B2C3D.x').keyId).toBeUndefined();
    });

    it('when rotating, then new values are made with the new key, and a verifier follows the key that made its login key', () => {
      const before = createLoginHasher(oldKey);
      const during = createLoginHasher(newKey, [oldKey]);
      const oldLoginKey = before.key('login_autenticacao', 'maria');
      expect(oldLoginKey.startsWith(keyIdPrefix(loginKeyId(oldKey)))).toBe(true);
      expect(during.key('login_autenticacao', 'maria').startsWith(keyIdPrefix(loginKeyId(newKey)))).toBe(true);
      expect(during.keys('login_autenticacao', 'maria')).toEqual([during.key('login_autenticacao', 'maria'), oldLoginKey]);
      expect(during.verifier('login_autenticacao', oldLoginKey, 's3nha')).toBe(before.verifier('login_autenticacao', oldLoginKey, 's3nha'));
      expect(during.isCurrent(oldLoginKey)).toBe(false);
      expect(during.isCurrent(during.key('login_autenticacao', 'maria'))).toBe(true);
    });

    it('when login data is sealed under the old key, then the ring opens it during the rotation and not after, and a tampered or short-tag seal is refused', () => {
      const before = createLoginHasher(oldKey);
      const sealed = before.seal('529.982.247-25');
      expect(sealed).not.toContain('529');
      expect(createLoginHasher(newKey, [oldKey]).open(sealed)).toBe('529.982.247-25');
      expect(createLoginHasher(newKey, [oldKey]).sealedCurrent(sealed)).toBe(false);
      expect(() => createLoginHasher(newKey).open(sealed)).toThrow(/not configured/);
      const parts = sealed.split('.');
      expect(() => before.open([...parts.slice(0, 3), parts[3]!.slice(0, 8), parts[4]].join('.'))).toThrow();
      expect(() => before.open([...parts.slice(0, 4), Buffer.from('x').toString('base64url')].join('.'))).toThrow();
    });
  });
});
