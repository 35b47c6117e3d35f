import { AuthoriseReasonV1, GrantState } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { reasonCodes, reasonForState, reasonOfCode } from './reasons.ts';

describe('authorise reasons (R15)', () => {
  it('when mapping grant states, then every state has the reason the callback contract defines, and only active allows', () => {
    for (const state of GrantState.options) expect(AuthoriseReasonV1.options).toContain(reasonForState[state]);
    expect(reasonForState).toEqual({
      active: 'subscribed',
      suspended_debt: 'service_suspended_debt',
      suspended_request: 'service_suspended_request',
      pending_installation: 'service_pending_installation',
      trial_ended: 'trial_ended',
      cancelled: 'service_cancelled',
    });
  });

  it('when storing decisions, then every contract reason has its own code and reads back as itself', () => {
    expect(Object.keys(reasonCodes).sort()).toEqual([...AuthoriseReasonV1.options].sort());
    expect(new Set(Object.values(reasonCodes)).size).toBe(AuthoriseReasonV1.options.length);
    for (const reason of AuthoriseReasonV1.options) expect(reasonOfCode(reasonCodes[reason])).toBe(reason);
    expect(() => reasonOfCode(99)).toThrow(RangeError);
  });
});
