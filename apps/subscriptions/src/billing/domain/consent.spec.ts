import { describe, expect, it } from 'vitest';
import type { PlanTerms } from '../../domain/plan.ts';
import { consentForAttachment } from './consent.ts';

const now = new Date('2026-11-10T12:00:00Z');
const plan: PlanTerms = {
  id: '7e0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a01',
  name: 'Fibra 500',
  active: true,
  lockPackages: false,
  packages: [
    { packageId: 'mandatory', mandatory: true, trialDays: 0 },
    { packageId: 'optional', mandatory: false, trialDays: 0 },
  ],
};
const given = { channel: 'phone' as const, at: '2026-11-10T11:00:00Z', by: 'maria', reference: 'call-1' };

describe('consent to paid packages (R19)', () => {
  it('R19 consent refusal: when a paid package outside the mandatory set comes without consent, then it is refused naming the consent field', () => {
    expect(consentForAttachment(plan, 'optional', 1990, undefined, now)).toEqual({ refused: { path: 'consent', message: expect.stringContaining('R19') } });
    expect(consentForAttachment(null, 'other', 1990, undefined, now)).toMatchObject({ refused: { path: 'consent' } });
  });

  it('R19: when the customer consented, then the attachment keeps channel, when, by whom and the reference', () => {
    expect(consentForAttachment(plan, 'optional', 1990, given, now)).toEqual({
      consent: { source: 'customer', channel: 'phone', at: '2026-11-10T11:00:00.000Z', by: 'maria', reference: 'call-1' },
    });
  });

  it('R19: when the package is mandatory in the plan, then it takes the plan contract\'s consent', () => {
    expect(consentForAttachment(plan, 'mandatory', 1990, undefined, now)).toMatchObject({ consent: { source: 'plan_contract', reference: `plan:${plan.id}` } });
  });

  it('R19: when the package is free (a benefit), then no consent is needed', () => {
    expect(consentForAttachment(plan, 'optional', 0, undefined, now)).toEqual({ consent: null });
  });

  it('R19: when the consent is dated in the future, then consent.at is refused', () => {
    expect(consentForAttachment(plan, 'optional', 1990, { ...given, at: '2026-11-11T00:00:00Z' }, now)).toMatchObject({ refused: { path: 'consent.at' } });
  });
});
