/**
 * A CPF or CNPJ masked as it is typed: `123.456.789-09` while it can be a CPF (up to 11 digits),
 * then `12.345.678/0001-95` (also the alphanumeric CNPJ issued since July 2026: 12 letters or
 * digits, 2 check digits). Only letters and digits are kept; the API checks the check digits.
 */
export function maskDocument(text: string): string {
  const chars = text.replace(/[^0-9a-z]/gi, '').toUpperCase().slice(0, 14);
  const cpf = chars.length <= 11 && /^\d*$/.test(chars);
  return cpf ? fill(chars, '###.###.###-##') : fill(chars, '##.###.###/####-##');
}

/** `chars` laid into `pattern`'s `#` slots; punctuation only between characters typed. */
function fill(chars: string, pattern: string): string {
  let out = '';
  let next = 0;
  for (const slot of pattern) {
    if (next >= chars.length) break;
    out += slot === '#' ? chars[next++] : slot;
  }
  return out;
}
