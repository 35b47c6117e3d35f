/** `9,90`, `R$ 9,90`, `1.234,56` or `9.90` → cents; `undefined` when it is not an amount. */
export function parseMoney(text: string): number | undefined {
  const cleaned = text.replace(/R\$\s?/i, '').trim();
  const match = /^(\d{1,3}(?:\.\d{3})*|\d+)(?:[,.](\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const whole = Number(match[1]!.replace(/\./g, ''));
  const fraction = Number((match[2] ?? '0').padEnd(2, '0'));
  return whole * 100 + fraction;
}
