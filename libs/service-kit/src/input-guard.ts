import { isUnstorableText } from '@sva/contracts';
import type { FieldIssue } from '@sva/kernel';

const MESSAGE = 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates';

/**
 * The fields of a parsed request part (body, query, params) holding a string that cannot be stored
 * or queried (`isUnstorableText`: NUL, lone surrogates), keys included, as `where.a.b` paths. One
 * mechanism for every route: such a string would otherwise reach PostgreSQL and fail there (22021,
 * "invalid input syntax for type json").
 */
export function unstorableTextIssues(where: string, value: unknown, limit = 10): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const visit = (node: unknown, path: string[], depth: number): void => {
    if (issues.length >= limit) return;
    if (typeof node === 'string') {
      if (isUnstorableText(node)) issues.push({ path: [where, ...path].join('.'), message: MESSAGE });
      return;
    }
    if (node === null || typeof node !== 'object' || depth > 64) return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, String(index)], depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      if (isUnstorableText(key)) issues.push({ path: [where, ...path, JSON.stringify(key).slice(1, -1)].join('.'), message: MESSAGE });
      visit(item, [...path, key], depth + 1);
    }
  };
  visit(value, [], 0);
  return issues;
}

/**
 * The SQLSTATE a database error carries, wherever the driver put it: node-postgres's `code`, Prisma's
 * driver-adapter error (`meta.driverAdapterError.cause.originalCode`), or a `cause` chain.
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const candidate = current as {
      code?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
      cause?: unknown;
    };
    const fromAdapter = candidate.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof fromAdapter === 'string') return fromAdapter;
    if (typeof candidate.originalCode === 'string' && /^[0-9A-Z]{5}$/.test(candidate.originalCode)) return candidate.originalCode;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && !candidate.code.startsWith('P')) return candidate.code;
    current = candidate.cause;
  }
  return undefined;
}

/** SQLSTATE class 22, "data exception": the input was not storable (bad encoding, out of range, …). */
export const isDataException = (error: unknown): boolean => sqlStateOf(error)?.startsWith('22') ?? false;
