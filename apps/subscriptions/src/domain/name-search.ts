/**
 * How a customer's name is searched (Clientes › busca por nome): accent- and case-insensitive,
 * by any part of the name. The name is kept as typed; beside it, its search form:
 *
 * 1. Unicode compatibility decomposition (NFKD): `ã` → `a` + combining tilde, `ﬁ` → `fi`,
 *    a no-break space → a space, `ª` → `a`;
 * 2. combining diacritical marks (U+0300–U+036F) dropped;
 * 3. lower case;
 * 4. runs of ASCII white space made one space, none at the ends.
 *
 * `João  da SILVA` → `joao da silva`. The same function turns the typed term into what is looked
 * for, so "joao", "JOÃO" and "silv" all find her (and "joao silva", by {@link nameSearchPieces}). The migration that added the column computed
 * it in SQL with the same steps (`normalize(name, NFKD)`, `regexp_replace`, `lower`, `btrim`); the
 * test `customer-search.int.spec.ts` holds the two to the same answers.
 */
export function nameSearchForm(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[ \t\n\r\f\v]+/g, ' ')
    .replace(/^ | $/g, '');
}

/**
 * What a typed name term asks for: every piece must be in the name, in any order. The pieces are
 * the term's words (in search form); a word of one or two letters ("da", "de", "e") stays joined
 * to the word after it (or, last, to the one before), since alone it is in almost every name and
 * too short for the trigram index. `João Silva` → `joao`, `silva` (finds "João da Silva");
 * `da silv` → `da silv`; `Maria da Conceição` → `maria`, `da conceicao`.
 */
export function nameSearchPieces(term: string): string[] {
  const words = nameSearchForm(term).split(' ').filter((word) => word !== '');
  const pieces: string[] = [];
  let pending = '';
  for (const word of words) {
    const piece = pending ? `${pending} ${word}` : word;
    if (word.length < MIN_NAME_TERM_LENGTH) pending = piece;
    else {
      pieces.push(piece);
      pending = '';
    }
  }
  if (pending) {
    if (pieces.length > 0) pieces[pieces.length - 1] = `${pieces[pieces.length - 1]} ${pending}`;
    else pieces.push(pending);
  }
  return pieces;
}

/** The shortest name term searched: shorter ones match too much to be useful (and a trigram index needs three characters). */
export const MIN_NAME_TERM_LENGTH = 3;
