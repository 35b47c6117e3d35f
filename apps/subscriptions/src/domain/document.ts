import { normaliseTaxDocument } from '@sva/contracts';

/**
 * A Brazilian taxpayer id: CPF (people, 11 digits) or CNPJ (companies, 14 characters: since July
 * 2026 the first 12 may be letters, IN RFB 2.229/2024; the last 2, the check digits, are digits).
 */
export interface TaxDocument {
  readonly type: 'cpf' | 'cnpj';
  /** As compared and hashed (R2): upper case, no punctuation, e.g. `52998224725`, `12ABC34501DE35`. */
  readonly value: string;
}

/**
 * Modulo-11 check digit over the first `weights.length` characters, each worth its ASCII code
 * minus 48: a digit its own value, `A` 17 … `Z` 42 (the rule of IN RFB 2.229/2024, which gives
 * the classic numeric result for digits).
 */
const checkDigit = (value: string, weights: readonly number[]): number => {
  const sum = weights.reduce((total, weight, i) => total + weight * (value.charCodeAt(i) - 48), 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
};

const CPF_WEIGHTS_1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
const CPF_WEIGHTS_2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

const CPF = /^\d{11}$/;
const CNPJ = /^[0-9A-Z]{12}\d{2}$/;

/**
 * Parse a CPF or CNPJ (numeric or alphanumeric, letters in either case) typed with or without
 * punctuation (`.`, `-`, `/`, spaces), checking its two check digits. Returns `null` for anything
 * that is not a valid document (including all-equal characters such as `111.111.111-11`, which
 * pass the arithmetic but are not issued).
 */
export function parseTaxDocument(input: string): TaxDocument | null {
  if (!/^[0-9A-Za-z.\-/\s]+$/.test(input)) return null;
  const value = normaliseTaxDocument(input);
  if (/^(.)\1*$/.test(value)) return null;
  if (CPF.test(value)) {
    const ok = checkDigit(value, CPF_WEIGHTS_1) === Number(value[9]) && checkDigit(value, CPF_WEIGHTS_2) === Number(value[10]);
    return ok ? { type: 'cpf', value } : null;
  }
  if (CNPJ.test(value)) {
    const ok = checkDigit(value, CNPJ_WEIGHTS_1) === Number(value[12]) && checkDigit(value, CNPJ_WEIGHTS_2) === Number(value[13]);
    return ok ? { type: 'cnpj', value } : null;
  }
  return null;
}

/** What support may see of a document: `***.456.789-**`, `**.345.678/0001-**`, `**.ABC.345/01DE-**`. */
export function maskTaxDocument(document: TaxDocument): string {
  const d = document.value;
  return document.type === 'cpf' ? `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**` : `**.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-**`;
}
