import { describe, expect, it } from 'vitest';
import { checkExclusivity, checkGrants, productKey, replaceGrant, sameGrants } from './package.ts';

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

describe('package grants across integrations (R5)', () => {
  it('R5: when a product became inactive but the package already grants it, then it may stay', () => {
    expect(checkGrants([{ integrationId: 'i1', productCodes: ['mumo', 'old'] }], available, { alreadyGranted: new Set([productKey('i1', 'old')]) })).toEqual([]);
  });

  it('R5: when a grant names an integration that does not exist, then the integration field says so', () => {
    expect(checkGrants([{ integrationId: 'ghost', productCodes: ['mumo'] }], available, { integrations: new Set(['i1']) })).toEqual([
      { path: 'grants.0.integrationId', message: 'integration ghost does not exist', rule: 'R5' },
    ]);
  });

  const integrations = new Map([
    ['i1', { description: 'NEO', exclusivePackages: false }],
    ['i2', { description: 'Solo', exclusivePackages: true }],
    ['i3', { description: 'Other', exclusivePackages: false }],
  ]);

  it('R5: when several integrations share a package and none restricts it, then it is accepted', () => {
    expect(checkExclusivity([{ integrationId: 'i1', productCodes: ['a'] }, { integrationId: 'i3', productCodes: ['b'] }], integrations)).toEqual([]);
  });

  it('R5: when an integration with exclusivePackages shares a package, then its entry is refused naming the rule', () => {
    expect(checkExclusivity([{ integrationId: 'i1', productCodes: ['a'] }, { integrationId: 'i2', productCodes: ['b'] }], integrations)).toEqual([
      {
        path: 'grants.1.integrationId',
        message: "integration 'Solo' requires its products to be alone in a package (exclusivePackages); put the other integrations' products in another package",
        rule: 'R5',
      },
    ]);
  });

  it('R5: when an integration with exclusivePackages is alone in a package, then it is accepted', () => {
    expect(checkExclusivity([{ integrationId: 'i2', productCodes: ['a', 'b'] }], integrations)).toEqual([]);
  });

  it("R5: the Integration tab replaces one integration's products, adds a new one at the end, and [] removes it", () => {
    const grants = [{ integrationId: 'i1', productCodes: ['a'] }, { integrationId: 'i3', productCodes: ['b'] }];
    expect(replaceGrant(grants, 'i1', ['c'])).toEqual([{ integrationId: 'i1', productCodes: ['c'] }, { integrationId: 'i3', productCodes: ['b'] }]);
    expect(replaceGrant(grants, 'i2', ['d'])).toEqual([...grants, { integrationId: 'i2', productCodes: ['d'] }]);
    expect(replaceGrant(grants, 'i1', [])).toEqual([{ integrationId: 'i3', productCodes: ['b'] }]);
    expect(sameGrants(grants, [{ integrationId: 'i3', productCodes: ['b'] }, { integrationId: 'i1', productCodes: ['a'] }])).toBe(true);
  });
});
