import { z } from 'zod';

/** The languages the services answer people in: Brazilian Portuguese and English (the default). */
export type AnswerLanguage = 'pt-BR' | 'en';

/**
 * The caller's language from `Accept-Language`: Portuguese when its first choice is (`pt`,
 * `pt-BR`, …), English otherwise. The console sends the language its operator chose.
 */
export function answerLanguage(acceptLanguage: string | undefined): AnswerLanguage {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('pt') ? 'pt-BR' : 'en';
}

/** A zod issue as a validation error carries it: its code, its properties, its message. */
type IssueLike = { readonly code: string; readonly message: string } & Record<string, unknown>;

const english = z.locales.en().localeError;
const portuguese = z.locales.ptBR().localeError;

const textOf = (made: ReturnType<typeof english>): string | undefined => (typeof made === 'string' ? made : made?.message);

/**
 * A field message in the caller's language. Zod's own messages are rendered again by its pt-BR
 * locale; a message a schema wrote itself (it differs from zod's English one) stays as written.
 */
export function fieldMessage(issue: IssueLike, language: AnswerLanguage): string {
  if (language === 'en') return issue.message;
  const raw = issue as unknown as Parameters<typeof english>[0];
  if (textOf(english(raw)) !== issue.message) return issue.message;
  return textOf(portuguese(raw)) ?? issue.message;
}

/** A request-validation issue as fastify carries it (the zod type provider's shape). */
export interface SchemaIssue {
  readonly keyword: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** The message of a fastify request-validation issue, in the caller's language. */
export function schemaIssueMessage(issue: SchemaIssue, language: AnswerLanguage): string {
  return fieldMessage({ ...issue.params, code: issue.keyword, message: issue.message ?? 'invalid' }, language);
}
