import { describe, expect, it } from 'vitest';
import { canMove } from './service-status.ts';

describe('service lifecycle', () => {
  it('when awaiting installation, then it can be enabled or cancelled only', () => {
    expect(canMove('awaiting_installation', 'enabled')).toBe(true);
    expect(canMove('awaiting_installation', 'cancelled')).toBe(true);
    expect(canMove('awaiting_installation', 'suspended_debt')).toBe(false);
  });

  it('when cancelled, then it is final', () => {
    for (const to of ['enabled', 'suspended_debt', 'suspended_request', 'awaiting_installation'] as const) expect(canMove('cancelled', to)).toBe(false);
  });

  it('when suspended, then it can be enabled again', () => {
    expect(canMove('suspended_debt', 'enabled')).toBe(true);
    expect(canMove('suspended_request', 'enabled')).toBe(true);
  });
});
