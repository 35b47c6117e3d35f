import type { EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { createLoginHasher } from '../domain/login-keys.ts';
import { EntitlementView } from './entitlement-view.ts';

const hasher = createLoginHasher('test-login-hash-key-0123456789abcdef');
const integrationId = '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11';
const integration: GatewayIntegrationV1 = {
  integrationId,
  version: 1,
  active: true,
  loginField: 'cpf_cnpj',
  syncSubscriptionStatus: true,
  secretVerifiers: [{ sha256: 'x'.repeat(43), validUntil: null }],
};
const record = (version: number, cpf: string, grants: EntitlementV1['grants'] = [{ product: 'mumo', state: 'active' }]): EntitlementV1 => ({
  integrationId,
  customerId: '6f7b3c1e-2f43-4c1a-9a51-0d6a3c2b1e01',
  subscriberId: 'sub-0123456789',
  version,
  status: 'active',
  logins: [{ key: hasher.key('cpf_cnpj', cpf), verifier: hasher.verifier('cpf_cnpj', cpf) }],
  grants,
  changedAt: '2026-11-28T00:00:00.000Z',
});

describe('entitlement view', () => {
  it('R14: when the login and password match, then identify answers the subscriber id', () => {
    const view = new EntitlementView();
    view.applyIntegration(integration);
    view.applyEntitlement(record(1, '52998224725'));
    expect(view.identify(integration, '529.982.247-25', '52998224725', hasher)).toEqual({ identified: true, subscriberId: 'sub-0123456789', status: 'active' });
  });

  it('R14: an unknown login and a wrong password are told apart', () => {
    const view = new EntitlementView();
    view.applyEntitlement(record(1, '52998224725'));
    expect(view.identify(integration, '11144477735', '11144477735', hasher)).toEqual({ identified: false, reason: 'unknown_login' });
    expect(view.identify(integration, '52998224725', '11144477735', hasher)).toEqual({ identified: false, reason: 'wrong_password' });
  });

  it('when an older version arrives after a newer one, then it is ignored', () => {
    const view = new EntitlementView();
    expect(view.applyEntitlement(record(2, '52998224725', [{ product: 'mumo', state: 'cancelled' }]))).toBe(true);
    expect(view.applyEntitlement(record(1, '52998224725'))).toBe(false);
    expect(view.entitlement(integrationId, 'sub-0123456789')?.grants).toEqual([{ product: 'mumo', state: 'cancelled' }]);
  });

  it('when a record drops a login, then that login no longer identifies', () => {
    const view = new EntitlementView();
    view.applyEntitlement(record(1, '52998224725'));
    view.applyEntitlement(record(2, '11144477735'));
    expect(view.identify(integration, '52998224725', '52998224725', hasher)).toEqual({ identified: false, reason: 'unknown_login' });
    expect(view.identify(integration, '11144477735', '11144477735', hasher)).toMatchObject({ identified: true });
  });

  it('when an integration update is older, then it is ignored', () => {
    const view = new EntitlementView();
    view.applyIntegration({ ...integration, version: 3, active: false });
    expect(view.applyIntegration({ ...integration, version: 2 })).toBe(false);
    expect(view.integration(integrationId)?.active).toBe(false);
  });
});
