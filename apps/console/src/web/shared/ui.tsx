import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ProblemError, type Problem } from './api.ts';
import { useI18n } from './i18n.tsx';
import { CONSOLE_INVALID_FIELDS } from './number-input.ts';

/** The problem of a failed mutation or query, if it was one. */
export const problemOf = (error: unknown): Problem | undefined => (error instanceof ProblemError ? error.problem : undefined);

/** The message of a field named `name` in a problem's `errors[]` (`body.name` or `name`). */
export function fieldError(problem: Problem | undefined, name: string): string | undefined {
  return problem?.errors?.find((e) => e.path === name || e.path.endsWith(`.${name}`) || e.path.startsWith(`${name}.`))?.message;
}

/**
 * The message of the first problem at `prefix` or inside it (`packages.1` holds
 * `body.packages.1.trialDays`), for a row of a list the form edits.
 */
export function fieldErrorUnder(problem: Problem | undefined, prefix: string): string | undefined {
  return problem?.errors?.find((e) => {
    const path = e.path.replace(/^body\./, '');
    return path === prefix || path.startsWith(`${prefix}.`);
  })?.message;
}

/** The message beside field `name`, in the console's language. */
function useFieldError(problem: Problem | undefined, name: string): string | undefined {
  const { m } = useI18n();
  const raw = fieldError(problem, name);
  // A service words its own rules' field messages in English: the console has them in its language.
  return raw && (m.fieldProblems[problem!.code] ?? m.fieldMessages[raw] ?? raw);
}

function Labelled({ id, label, error, children }: { id: string; label: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** A labelled input with its problem+json error beside it. */
export function Field({ label, name, problem, ...input }: { label: string; name: string; problem?: Problem | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const error = useFieldError(problem, name);
  return (
    <Labelled id={id} label={label} error={error}>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
    </Labelled>
  );
}

/** A labelled select (its options as children) with its problem+json error beside it. */
export function SelectField({ label, name, problem, children, ...select }: { label: string; name: string; problem?: Problem | undefined; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const error = useFieldError(problem, name);
  return (
    <Labelled id={id} label={label} error={error}>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
    </Labelled>
  );
}

/** A labelled checkbox (label after the box) with its problem+json error beside it. */
export function CheckboxField({ label, name, problem, ...input }: { label: string; name: string; problem?: Problem | undefined } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const id = useId();
  const error = useFieldError(problem, name);
  return (
    <div className="field checkbox">
      <span>
        <input id={id} name={name} type="checkbox" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />{' '}
        <label htmlFor={id}>{label}</label>
      </span>
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * The cursors of a cursor-paginated list seen so far (`[undefined (first page), nextCursor of
 * page 1, …]`): the current one to ask with, its page number, and the moves.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const pageIndex = cursors.length - 1;
  return {
    cursor: cursors[pageIndex],
    page: pageIndex + 1,
    next: (cursor: string) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([undefined]),
  };
}

/** Página anterior / Próxima página under a list; hidden when there is only one page. */
export function Pager(props: { label: string; page: number; nextCursor: string | null | undefined; busy: boolean; onPrevious: () => void; onNext: (cursor: string) => void }) {
  const { t } = useI18n();
  if (props.page === 1 && !props.nextCursor) return null;
  return (
    <nav className="pager" aria-label={props.label}>
      <button type="button" disabled={props.page === 1 || props.busy} onClick={props.onPrevious}>
        {t('previousPage')}
      </button>
      <button type="button" disabled={!props.nextCursor || props.busy} onClick={() => props.onNext(props.nextCursor!)}>
        {t('nextPage')}
      </button>
    </nav>
  );
}

/** A problem's message in the console's language (its code translated when known, else the API's detail). */
export function ProblemMessage({ error }: { error: unknown }) {
  const { m } = useI18n();
  if (!error) return null;
  const problem = problemOf(error);
  const text = problem ? (m.problems[problem.code] ?? problem.detail ?? problem.code) : String(error);
  // The console's own refusal before sending: no operation ran, so none "failed".
  return (
    <p className="problem" role="alert">
      {problem?.code === CONSOLE_INVALID_FIELDS ? text : `${m.failed}: ${text}`}
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

/**
 * A modal confirmation (the native `<dialog>`: focus kept inside, Esc is "back"), for a change
 * that cannot be undone.
 */
export function ConfirmDialog(props: { open: boolean; title: string; confirmLabel: string; backLabel: string; busy?: boolean; onConfirm: () => void; onBack: () => void; children?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (props.open && dialog && !dialog.open) dialog.showModal();
    if (!props.open && dialog?.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onBack();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div className="actions">
        <button type="button" className="danger" onClick={props.onConfirm} disabled={props.busy}>
          {props.confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onBack}>
          {props.backLabel}
        </button>
      </div>
    </dialog>
  );
}

/**
 * A form in a card, as every create and edit form is: its heading, its fields, the refusal of the
 * last send (problem+json), then the submit button and Cancelar. Submitting never reloads the page.
 */
export function FormCard(props: {
  /** The form's accessible name (omitted: the heading names it). */
  label?: string | undefined;
  heading: ReactNode;
  onSubmit: () => void;
  error: unknown;
  submitLabel: string;
  submitDisabled: boolean;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <form
      className="card"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.heading}
      {props.children}
      <ProblemMessage error={props.error} />
      <div className="actions">
        <button type="submit" disabled={props.submitDisabled}>
          {props.submitLabel}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
