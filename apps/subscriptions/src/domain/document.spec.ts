import { describe, expect, it } from 'vitest';
import { maskTaxDocument, parseTaxDocument } from './document.ts';

describe('tax documents (CPF/CNPJ, R2)', () => {
  it('when a valid CPF is typed with punctuation, then it is accepted as digits', () => {
    expect(parseTaxDocument('529.982.247-25')).toEqual({ type: 'cpf', value: '52998224725' });
    expect(parseTaxDocument('52998224725')).toEqual({ type: 'cpf', value: '52998224725' });
  });

  it('when a CPF check digit is wrong, then it is refused', () => {
    expect(parseTaxDocument('529.982.247-26')).toBeNull();
    expect(parseTaxDocument('529.982.247-15')).toBeNull();
  });

  it('when all characters are equal, then it is refused although the arithmetic passes', () => {
    expect(parseTaxDocument('111.111.111-11')).toBeNull();
    expect(parseTaxDocument('00000000000000')).toBeNull();
  });

  it('when a valid numeric CNPJ is typed, then it is accepted; a wrong check digit is refused', () => {
    expect(parseTaxDocument('11.222.333/0001-81')).toEqual({ type: 'cnpj', value: '11222333000181' });
    expect(parseTaxDocument('11.222.333/0001-82')).toBeNull();
    expect(parseTaxDocument('11.222.333/0001-18')).toBeNull();
  });

  // Check digits worked out by hand with IN RFB 2.229/2024's rule (value = ASCII code − 48, so
  // A = 17 … Z = 42; weights 5…2,9…2 and 6…2,9…2; modulo 11): 12ABC34501DE → 35 is Serpro's
  // published example; the others were computed the same way.
  it.each([
    ['12.ABC.345/01DE-35', '12ABC34501DE35'],
    ['12ABC34501DE35', '12ABC34501DE35'],
    ['12.abc.345/01de-35', '12ABC34501DE35'],
    ['ABCDEFGHIJKL80', 'ABCDEFGHIJKL80'],
    ['SV.APL.AT0/0001-54', 'SVAPLAT0000154'],
    ['A1B2C3D4E5F668', 'A1B2C3D4E5F668'],
  ])('when the alphanumeric CNPJ %s is typed, then it is accepted as %s (upper case, no punctuation)', (typed, value) => {
    expect(parseTaxDocument(typed)).toEqual({ type: 'cnpj', value });
  });

  it.each([
    ['12ABC34501DE36', 'second check digit wrong'],
    ['12ABC34501DE45', 'first check digit wrong'],
    ['12ABC34501DF35', 'a letter changed'],
    ['12ABC34501D35', 'too short'],
    ['12ABC34501DE3A', 'a letter in the check digits'],
    ['AAAAAAAAAAAAAA', 'all characters equal'],
    ['12ÁBC34501DE35', 'a letter outside A–Z'],
    ['12ABC345_01DE35', 'a character that is not punctuation'],
  ])('when the alphanumeric CNPJ %s is typed (%s), then it is refused', (typed) => {
    expect(parseTaxDocument(typed)).toBeNull();
  });

  it('when the input has letters where a CPF has digits or a wrong length, then it is refused', () => {
    expect(parseTaxDocument('529.982.247-2a')).toBeNull();
    expect(parseTaxDocument('5299822472A')).toBeNull();
    expect(parseTaxDocument('5299822472')).toBeNull();
    expect(parseTaxDocument('')).toBeNull();
  });

  it('when masked, then only the middle characters show', () => {
    expect(maskTaxDocument({ type: 'cpf', value: '52998224725' })).toBe('***.982.247-**');
    expect(maskTaxDocument({ type: 'cnpj', value: '11222333000181' })).toBe('**.222.333/0001-**');
    expect(maskTaxDocument({ type: 'cnpj', value: '12ABC34501DE35' })).toBe('**.ABC.345/01DE-**');
  });
});
