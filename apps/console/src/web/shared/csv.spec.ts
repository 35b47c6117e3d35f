import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('when rows are given, then it starts with a BOM, separates by ; and ends lines with CRLF', () => {
    expect(toCsv(['Integração', 'Assinantes'], [['NEO', 1234]])).toBe('\uFEFFIntegração;Assinantes\r\nNEO;1234\r\n');
  });

  it('when a field holds ; a quote or a line break, then it is quoted with quotes doubled', () => {
    expect(toCsv(['a'], [['x;y'], ['diz "oi"'], ['1\n2']])).toBe('\uFEFFa\r\n"x;y"\r\n"diz ""oi"""\r\n"1\n2"\r\n');
  });
});
