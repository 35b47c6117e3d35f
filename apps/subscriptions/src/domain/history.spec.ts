import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTOR, parseActor } from './history.ts';

describe('X-Actor (who changed what)', () => {
  it('when no actor is given, then the API key holder acts', () => {
    expect(parseActor(undefined)).toBe(DEFAULT_ACTOR);
  });

  it('when a user name is given, then it is kept trimmed, accents included', () => {
    expect(parseActor('  joão.silva ')).toBe('joão.silva');
    expect(parseActor('Suporte N2 / Maria')).toBe('Suporte N2 / Maria');
  });

  it('when the actor is empty, too long, has control characters or claims a system name, then it is refused', () => {
    expect(parseActor('   ')).toBeNull();
    expect(parseActor('x'.repeat(101))).toBeNull();
    expect(parseActor('maria\nadmin')).toBeNull();
    expect(parseActor('maria\u0000')).toBeNull();
    expect(parseActor('system:trial-expiry')).toBeNull();
    expect(parseActor('SYSTEM:billing')).toBeNull();
  });
});
