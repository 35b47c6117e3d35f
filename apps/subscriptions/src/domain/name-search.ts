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
 * for, so "joao", "JOÃO" and "silv" all find her. The migration that added the column computed
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

/** The shortest name term searched: shorter ones match too much to be useful (and a trigram index needs three characters). */
export const MIN_NAME_TERM_LENGTH = 3;
