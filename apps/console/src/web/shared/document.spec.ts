import { describe, expect, it } from 'vitest';
import { maskDocument } from './document.ts';

describe('maskDocument', () => {
  it('when up to 11 digits are typed, then they take the CPF mask as far as typed', () => {
    expect(maskDocument('1114')).toBe('111.4');
    expect(maskDocument('11144477735')).toBe('111.444.777-35');
    expect(maskDocument('111.444.777-35')).toBe('111.444.777-35');
  });

  it('when a 12th character or a letter comes, then it takes the CNPJ mask, letters upper-cased', () => {
    expect(maskDocument('112223330001')).toBe('11.222.333/0001');
    expect(maskDocument('11222333000181')).toBe('11.222.333/0001-81');
    expect(maskDocument('12abc34501de35')).toBe('12.ABC.345/01DE-35');
  });

  it('when more than 14 characters or other signs are typed, then they are dropped', () => {
    expect(maskDocument('11.222.333/0001-8199 x')).toBe('11.222.333/0001-81');
    expect(maskDocument('')).toBe('');
  });
});
