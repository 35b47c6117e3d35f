import { describe, expect, it } from 'vitest';
import { ProblemError } from './api.ts';
import { parseWhole, refuseInvalidFields } from './number-input.ts';

describe('parseWhole', () => {
  it('when digits are typed, spaces around them or not, then it is their number', () => {
    expect(parseWhole('7')).toBe(7);
    expect(parseWhole(' 12 ')).toBe(12);
    expect(parseWhole('0')).toBe(0);
  });

  it('when words, signs, decimals or nothing are typed, then it is no number', () => {
    for (const text of ['sete', '-1', '1,5', '1.5', '', ' ', '7 dias', '1e3']) expect(parseWhole(text), text).toBeUndefined();
  });
});

describe('refuseInvalidFields', () => {
  it('when nothing is refused, then it returns; when a field is, then it throws a problem naming that field', () => {
    expect(() => refuseInvalidFields([undefined])).not.toThrow();
    let thrown: unknown;
    try {
      refuseInvalidFields([undefined, { path: 'packages.1.trialDays', message: 'Informe um número inteiro de dias (0 ou mais).' }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).problem).toEqual({ status: 400, code: 'CONSOLE_INVALID_FIELDS', errors: [{ path: 'packages.1.trialDays', message: 'Informe um número inteiro de dias (0 ou mais).' }] });
  });
});
