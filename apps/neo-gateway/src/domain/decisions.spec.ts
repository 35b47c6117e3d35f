import type { EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { authorise } from './decisions.ts';

const integration: GatewayIntegrationV1 = {
  integrationId: '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11',
  version: 1,
  active: true,
  loginField: 'cpf_cnpj',
  syncSubscriptionStatus: true,
  secretVerifiers: [{ sha256: 'x'.repeat(43), validUntil: null }],
};

const entitlement = (grants: EntitlementV1['grants']): EntitlementV1 => ({
  integrationId: integration.integrationId,
  customerId: '6f7b3c1e-2f43-4c1a-9a51-0d6a3c2b1e01',
  subscriberId: 'sub-0123456789',
  version: 1,
  status: 'active',
  logins: [],
  grants,
  changedAt: '2026-11-28T00:00:00.000Z',
});

describe('authorise (R1, R15)', () => {
  it('R15: when the product is granted and active, then it is allowed', () => {
    expect(authorise(integration, entitlement([{ product: 'mumo', state: 'active' }]), 'mumo')).toEqual({ allowed: true, reason: 'subscribed' });
  });

  it('R15: when the product is not among the grants, then not_subscribed', () => {
    expect(authorise(integration, entitlement([{ product: 'mumo', state: 'active' }]), 'kiddle')).toEqual({ allowed: false, reason: 'not_subscribed' });
  });

  it.each([
    ['suspended_debt', 'service_suspended_debt'],
    ['suspended_request', 'service_suspended_request'],
    ['pending_installation', 'service_pending_installation'],
    ['trial_ended', 'trial_ended'],
    ['cancelled', 'service_cancelled'],
  ] as const)('R15: when the grant is %s, then it is denied with %s', (state, reason) => {
    expect(authorise(integration, entitlement([{ product: 'mumo', state }]), 'mumo')).toEqual({ allowed: false, reason });
  });

  it('R1: when the integration is inactive, then nobody is authorised', () => {
    expect(authorise({ ...integration, active: false }, entitlement([{ product: 'mumo', state: 'active' }]), 'mumo')).toEqual({
      allowed: false,
      reason: 'integration_inactive',
    });
  });

  it('when the subscriber is unknown, then unknown_subscriber', () => {
    expect(authorise(integration, undefined, 'mumo')).toEqual({ allowed: false, reason: 'unknown_subscriber' });
  });
});
