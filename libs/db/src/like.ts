/**
 * `text` with LIKE's wildcards (`%`, `_`) and its escape character (`\`, PostgreSQL's default)
 * escaped, so a search for "100%" or "a_b" matches those characters only. Prisma's `contains`,
 * `startsWith` and `endsWith` become LIKE without escaping their operand
 * (https://github.com/prisma/prisma/issues/19506): pass user text through this first.
 */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');
