/** A Brazilian taxpayer id: CPF (people, 11 digits) or CNPJ (companies, 14 digits). */
export interface TaxDocument {
  readonly type: 'cpf' | 'cnpj';
  /** Digits only. */
  readonly digits: string;
}

const checkDigit = (digits: string, weights: readonly number[]): number => {
  const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
};

const CPF_WEIGHTS_1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
const CPF_WEIGHTS_2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * Parse a CPF or CNPJ typed with or without punctuation, checking its two check digits.
 * Returns `null` for anything that is not a valid document (including all-equal digits such as
 * `111.111.111-11`, which pass the arithmetic but are not issued).
 */
export function parseTaxDocument(input: string): TaxDocument | null {
  if (!/^[\d.\-/\s]+$/.test(input)) return null;
  const digits = input.replace(/\D/g, '');
  if (/^(\d)\1*$/.test(digits)) return null;
  if (digits.length === 11) {
    const ok = checkDigit(digits, CPF_WEIGHTS_1) === Number(digits[9]) && checkDigit(digits, CPF_WEIGHTS_2) === Number(digits[10]);
    return ok ? { type: 'cpf', digits } : null;
  }
  if (digits.length === 14) {
    const ok = checkDigit(digits, CNPJ_WEIGHTS_1) === Number(digits[12]) && checkDigit(digits, CNPJ_WEIGHTS_2) === Number(digits[13]);
    return ok ? { type: 'cnpj', digits } : null;
  }
  return null;
}

/** What support may see of a document: `***.456.789-**`, `**.345.678/0001-**`. */
export function maskTaxDocument(document: TaxDocument): string {
  const d = document.digits;
  return document.type === 'cpf' ? `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**` : `**.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-**`;
}
