import { describe, expect, it } from 'vitest';
import { checkGrants, productKey } from './package.ts';

const available = new Map([
  [productKey('i1', 'mumo'), { active: true }],
  [productKey('i1', 'old'), { active: false }],
]);

describe('package grants (R5)', () => {
  it('R5: when a package grants synced, active products, then it is accepted', () => {
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['mumo'] }], available)).toEqual([]);
  });

  it('R5: when a product was never synced, then the field names it', () => {
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['mumo', 'nope'] }], available)).toEqual([
      { path: 'grants.0.productCodes.1', message: "product 'nope' was never synced from this integration", rule: 'R5' },
    ]);
  });

  it('R5: when a product is inactive, then it is refused', () => {
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['old'] }], available)[0]).toMatchObject({ path: 'grants.0.productCodes.0', rule: 'R5' });
  });

  it('R5: when a product of one integration is granted under another, then it is refused', () => {
    expect(checkGrants([{ integrationId: 'i2', productCodes: ['mumo'] }], available)).toHaveLength(1);
  });

  it('when a product or an integration is listed twice, then it is refused', () => {
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['mumo', 'mumo'] }], available)[0]?.message).toContain('twice');
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['mumo'] }, { integrationId: 'i1', productCodes: ['mumo'] }], available)[0]?.path).toBe('grants.1.integrationId');
  });
});
