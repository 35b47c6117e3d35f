import { AuthoriseReasonV1, GrantState } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { authorise, authoriseSubscriber, decisionFor, withStaleness } from './decisions.ts';

const active = { active: true };
const holding = (state: GrantState) => ({ grants: [{ product: 'mumo', state }] });

describe('authorise (R1, R15)', () => {
  it('R15: when the product is granted and active, then it is allowed', () => {
    expect(authorise(active, holding('active'), 'mumo')).toEqual({ allowed: true, reason: 'subscribed' });
  });

  it('R15: when the product is not among the grants, then not_subscribed', () => {
    expect(authorise(active, holding('active'), 'kiddle')).toEqual({ allowed: false, reason: 'not_subscribed' });
  });

  it.each([
    ['suspended_debt', 'service_suspended_debt'],
    ['suspended_request', 'service_suspended_request'],
    ['pending_installation', 'service_pending_installation'],
    ['trial_ended', 'trial_ended'],
    ['cancelled', 'service_cancelled'],
  ] as const)('R15: when the grant is %s, then it is denied with %s', (state, reason) => {
    expect(authorise(active, holding(state), 'mumo')).toEqual({ allowed: false, reason });
  });

  it('R15: every grant state maps to a reason of the contract, and only active allows', () => {
    for (const state of GrantState.options) {
      const decision = authoriseSubscriber(true, true, state);
      expect(AuthoriseReasonV1.options).toContain(decision.reason);
      expect(decision.allowed).toBe(state === 'active');
    }
  });

  it('R1: when the integration is inactive, then nobody is authorised', () => {
    expect(authorise({ active: false }, holding('active'), 'mumo')).toEqual({ allowed: false, reason: 'integration_inactive' });
  });

  it('when the subscriber is unknown, then unknown_subscriber', () => {
    expect(authorise(active, undefined, 'mumo')).toEqual({ allowed: false, reason: 'unknown_subscriber' });
  });

  it('when the view is too stale, then the deny policy answers view_stale and the serve policy keeps the decision', () => {
    const allowed = decisionFor('subscribed');
    expect(withStaleness(allowed, true, 'deny')).toEqual({ allowed: false, reason: 'view_stale' });
    expect(withStaleness(allowed, true, 'serve')).toBe(allowed);
    expect(withStaleness(allowed, false, 'deny')).toBe(allowed);
  });

  it('when the same reason is decided twice, then the same frozen decision is returned (no allocation)', () => {
    expect(authoriseSubscriber(true, true, 'active')).toBe(authoriseSubscriber(true, true, 'active'));
    expect(Object.isFrozen(decisionFor('not_subscribed'))).toBe(true);
  });
});
