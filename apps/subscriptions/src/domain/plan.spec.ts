import { describe, expect, it } from 'vitest';
import { checkDetachAllowed, checkPlanAllowsPackage, checkSinglePackage, trialEndsAt, type PlanTerms } from './plan.ts';

const music = { id: 'p-music', description: 'Música' };
const kids = { id: 'p-kids', description: 'Kids' };
const plan = (fields: Partial<PlanTerms> = {}): PlanTerms => ({
  id: 'plan-1',
  name: 'Fibra 500',
  active: true,
  lockPackages: true,
  packages: [{ packageId: music.id, mandatory: true, trialDays: 0 }],
  ...fields,
});

describe('plan rules (R8, R9, R10, R11)', () => {
  it('R8: when the plan locks packages and the package is not in it, then attaching is refused and the refusal says why', () => {
    expect(checkPlanAllowsPackage(plan(), kids)).toEqual({
      rule: 'R8',
      message: 'package p-kids ("Kids") is not in plan plan-1 ("Fibra 500") and the plan locks packages',
    });
  });

  it('R8: when the package is in the locked plan, or the plan does not lock, or there is no plan, then attaching is allowed', () => {
    expect(checkPlanAllowsPackage(plan(), music)).toBeNull();
    expect(checkPlanAllowsPackage(plan({ lockPackages: false }), kids)).toBeNull();
    expect(checkPlanAllowsPackage(null, kids)).toBeNull();
  });

  it('R9: when a package is mandatory in the service plan, then it cannot be detached while the plan is in force', () => {
    expect(checkDetachAllowed(plan(), false, music)).toEqual({
      rule: 'R9',
      message: 'package p-music ("Música") is mandatory in plan plan-1 ("Fibra 500") and cannot be detached while the plan is in force',
    });
  });

  it('R9: when the package is optional, the service is cancelled (plan no longer in force) or there is no plan, then it can be detached', () => {
    expect(checkDetachAllowed(plan({ packages: [{ packageId: music.id, mandatory: false, trialDays: 0 }] }), false, music)).toBeNull();
    expect(checkDetachAllowed(plan(), true, music)).toBeNull();
    expect(checkDetachAllowed(null, false, music)).toBeNull();
    expect(checkDetachAllowed(plan(), false, kids)).toBeNull();
  });

  it('R11: when a plan package has trial days, then its trial ends that many days after the start; 0 means no trial', () => {
    const start = new Date('2026-11-28T12:00:00Z');
    expect(trialEndsAt({ packageId: 'p', mandatory: false, trialDays: 7 }, start)).toEqual(new Date('2026-12-05T12:00:00Z'));
    expect(trialEndsAt({ packageId: 'p', mandatory: false, trialDays: 0 }, start)).toBeNull();
  });

  const held = [{ packageId: 'p-music', description: 'Música', integrationIds: ['neo'] }];

  it('R10: when the integration allows a single package and the customer holds another of it, then a second is refused naming both', () => {
    const refusal = checkSinglePackage(new Set(['neo']), held, { packageId: 'p-kids', description: 'Kids', integrationIds: ['neo'] });
    expect(refusal?.rule).toBe('R10');
    expect(refusal?.message).toContain('already holds package p-music ("Música")');
    expect(refusal?.message).toContain('package p-kids ("Kids") would be a second');
  });

  it('R10: when the integration allows several packages, or the other package grants another integration, then it is allowed', () => {
    expect(checkSinglePackage(new Set(), held, { packageId: 'p-kids', description: 'Kids', integrationIds: ['neo'] })).toBeNull();
    expect(checkSinglePackage(new Set(['neo']), held, { packageId: 'p-kids', description: 'Kids', integrationIds: ['other'] })).toBeNull();
  });

  it('R10: when the customer holds the same package (on another service), then it is still one package', () => {
    expect(checkSinglePackage(new Set(['neo']), held, { packageId: 'p-music', description: 'Música', integrationIds: ['neo'] })).toBeNull();
  });
});
