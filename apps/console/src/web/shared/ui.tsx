import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { ProblemError, type Problem } from './api.ts';
import { useI18n } from './i18n.tsx';

/** The problem of a failed mutation or query, if it was one. */
export const problemOf = (error: unknown): Problem | undefined => (error instanceof ProblemError ? error.problem : undefined);

/** The message of a field named `name` in a problem's `errors[]` (`body.name` or `name`). */
export function fieldError(problem: Problem | undefined, name: string): string | undefined {
  return problem?.errors?.find((e) => e.path === name || e.path.endsWith(`.${name}`) || e.path.startsWith(`${name}.`))?.message;
}

/** A labelled input with its problem+json error beside it. */
export function Field({ label, name, problem, ...input }: { label: string; name: string; problem?: Problem | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const error = fieldError(problem, name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** A problem's message in the console's language (its code translated when known, else the API's detail). */
export function ProblemMessage({ error }: { error: unknown }) {
  const { m } = useI18n();
  if (!error) return null;
  const problem = problemOf(error);
  const text = problem ? (m.problems[problem.code] ?? problem.detail ?? problem.code) : String(error);
  return (
    <p className="problem" role="alert">
      {m.failed}: {text}
    </p>
  );
}

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section>
      <header className="page-header">
        <h1>{title}</h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** `123.456.789-09` / `12.345.678/0001-95` as typed: digits only, for the API. */
export const digitsOf = (text: string) => text.replace(/\D/g, '');
