import { describe, expect, it } from 'vitest';
import { maskTaxDocument, parseTaxDocument } from './document.ts';

describe('tax documents (CPF/CNPJ)', () => {
  it('when a valid CPF is typed with punctuation, then it is accepted as digits', () => {
    expect(parseTaxDocument('529.982.247-25')).toEqual({ type: 'cpf', digits: '52998224725' });
    expect(parseTaxDocument('52998224725')).toEqual({ type: 'cpf', digits: '52998224725' });
  });

  it('when a CPF check digit is wrong, then it is refused', () => {
    expect(parseTaxDocument('529.982.247-26')).toBeNull();
    expect(parseTaxDocument('529.982.247-15')).toBeNull();
  });

  it('when all digits are equal, then it is refused although the arithmetic passes', () => {
    expect(parseTaxDocument('111.111.111-11')).toBeNull();
    expect(parseTaxDocument('00000000000000')).toBeNull();
  });

  it('when a valid CNPJ is typed, then it is accepted; a wrong check digit is refused', () => {
    expect(parseTaxDocument('11.222.333/0001-81')).toEqual({ type: 'cnpj', digits: '11222333000181' });
    expect(parseTaxDocument('11.222.333/0001-82')).toBeNull();
  });

  it('when the input has letters or a wrong length, then it is refused', () => {
    expect(parseTaxDocument('529.982.247-2a')).toBeNull();
    expect(parseTaxDocument('5299822472')).toBeNull();
    expect(parseTaxDocument('')).toBeNull();
  });

  it('when masked, then only the middle digits show', () => {
    expect(maskTaxDocument({ type: 'cpf', digits: '52998224725' })).toBe('***.982.247-**');
    expect(maskTaxDocument({ type: 'cnpj', digits: '11222333000181' })).toBe('**.222.333/0001-**');
  });
});
