import { describe, expect, it } from 'vitest';
import { checkPlanPackages, type ListedPackage, type SinglePackageIntegration } from './plan.ts';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const P3 = '33333333-3333-4333-8333-333333333333';

const packages = new Map<string, ListedPackage>([
  [P1, { description: 'Música', active: true, integrationIds: ['neo'] }],
  [P2, { description: 'Kids', active: true, integrationIds: ['neo', 'other'] }],
  [P3, { description: 'Old', active: false, integrationIds: [] }],
]);
const integrations = (singlePackage: boolean) => new Map<string, SinglePackageIntegration>([
  ['neo', { description: 'NEO', singlePackage }],
  ['other', { description: 'Other', singlePackage: false }],
]);

describe('plan packages (R6)', () => {
  it('R6: when a plan lists existing, active packages with mandatory and trial settings, then it is accepted', () => {
    expect(checkPlanPackages([{ packageId: P1, mandatory: true, trialDays: 0 }, { packageId: P2, mandatory: false, trialDays: 7 }], packages, integrations(false))).toEqual([]);
  });

  it('R6: when a plan lists an inactive package, then the entry is named', () => {
    expect(checkPlanPackages([{ packageId: P1, mandatory: false, trialDays: 0 }, { packageId: P3, mandatory: false, trialDays: 0 }], packages, integrations(false))).toEqual([
      { path: 'packages.1.packageId', message: "package 'Old' is inactive; a plan may only list active packages", rule: 'R6' },
    ]);
  });

  it('R6: when a plan lists a package that does not exist, or one twice, then each entry is named', () => {
    const missing = '44444444-4444-4444-8444-444444444444';
    const issues = checkPlanPackages(
      [{ packageId: missing, mandatory: false, trialDays: 0 }, { packageId: P1, mandatory: false, trialDays: 0 }, { packageId: P1, mandatory: true, trialDays: 0 }],
      packages,
      integrations(false),
    );
    expect(issues).toEqual([
      { path: 'packages.0.packageId', message: `package ${missing} does not exist`, rule: 'R6' },
      { path: 'packages.2.packageId', message: 'package listed twice', rule: 'R6' },
    ]);
  });

  it('R10: when a plan lists two packages of a single-package integration, then the second is refused', () => {
    expect(checkPlanPackages([{ packageId: P1, mandatory: false, trialDays: 0 }, { packageId: P2, mandatory: false, trialDays: 0 }], packages, integrations(true))).toEqual([
      {
        path: 'packages.1.packageId',
        message: "packages 'Música' and 'Kids' both grant products of integration 'NEO', which allows a single package per customer (pacote único)",
        rule: 'R10',
      },
    ]);
  });
});
