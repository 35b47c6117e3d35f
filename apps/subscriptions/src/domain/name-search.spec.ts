import { describe, expect, it } from 'vitest';
import { nameSearchForm, nameSearchPieces } from './name-search.ts';

describe('name search form (Clientes › busca por nome)', () => {
  it('when a name has accents and capitals, then its search form has neither', () => {
    expect(nameSearchForm('João da SILVA')).toBe('joao da silva');
    expect(nameSearchForm('Conceição Araújo Gonçalves')).toBe('conceicao araujo goncalves');
    expect(nameSearchForm('ÂNGELA MÜLLER Ñuñez')).toBe('angela muller nunez');
  });

  it('when a name has composed or decomposed accents, then both give the same form', () => {
    expect(nameSearchForm('Jose\u0301')).toBe(nameSearchForm('Jos\u00e9'));
  });

  it('when a name has extra, tab or no-break spaces, then they become one space and the ends are trimmed', () => {
    expect(nameSearchForm('  Maria \t das\u00a0 Dores ')).toBe('maria das dores');
  });

  it('when a letter has no decomposition (ø, æ), then it is only lower-cased', () => {
    expect(nameSearchForm('Øster Æbelø')).toBe('øster æbelø');
  });

  it('when a term has several words, then each is a piece to find in any order; one- and two-letter words stay with their neighbour', () => {
    expect(nameSearchPieces('João  Silva')).toEqual(['joao', 'silva']);
    expect(nameSearchPieces('Maria da Conceição')).toEqual(['maria', 'da conceicao']);
    expect(nameSearchPieces('da silv')).toEqual(['da silv']);
    expect(nameSearchPieces('silva da')).toEqual(['silva da']);
    expect(nameSearchPieces('a b c')).toEqual(['a b c']);
    expect(nameSearchPieces('  ')).toEqual([]);
  });
});
