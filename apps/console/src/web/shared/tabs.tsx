import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Problem } from './api.ts';
import { useI18n } from './i18n.tsx';

/** One tab: its key, its label, its panel, and whether a field inside it is refused. */
export interface Tab<K extends string> {
  readonly key: K;
  readonly label: string;
  readonly panel: ReactNode;
  readonly invalid?: boolean;
}

/**
 * Tabs after the WAI-ARIA pattern (tablist, tab, tabpanel; selection follows focus): ←/→ move
 * between tabs (wrapping), Home/End to the first and last. Every panel stays mounted, hidden
 * unless selected, so what was typed in a tab survives a visit to another. A tab whose panel
 * holds a refused field is marked, in words for screen readers; the form switches to it.
 */
export function Tabs<K extends string>({ label, tabs, selected, onSelect }: { label: string; tabs: ReadonlyArray<Tab<K>>; selected: K; onSelect: (key: K) => void }) {
  const { t } = useI18n();
  const base = useId();
  const buttons = useRef(new Map<K, HTMLButtonElement>());
  const idOf = (key: K, part: 'tab' | 'panel') => `${base}-${part}-${key}`;
  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const to = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const key = tabs[to]!.key;
    onSelect(key);
    buttons.current.get(key)?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((tab, index) => (
          <button
            key={tab.key}
            ref={(element) => {
              if (element) buttons.current.set(tab.key, element);
              else buttons.current.delete(tab.key);
            }}
            type="button"
            role="tab"
            id={idOf(tab.key, 'tab')}
            aria-selected={tab.key === selected}
            aria-controls={idOf(tab.key, 'panel')}
            tabIndex={tab.key === selected ? 0 : -1}
            className={tab.invalid ? 'invalid' : undefined}
            onClick={() => onSelect(tab.key)}
            onKeyDown={(event) => move(event, index)}
          >
            {tab.label}
            {tab.invalid && (
              <>
                <span aria-hidden="true"> ⚠</span>
                <span className="visually-hidden"> ({t('tabHasErrors')})</span>
              </>
            )}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div key={tab.key} role="tabpanel" id={idOf(tab.key, 'panel')} aria-labelledby={idOf(tab.key, 'tab')} tabIndex={0} hidden={tab.key !== selected}>
          {tab.panel}
        </div>
      ))}
    </div>
  );
}

/**
 * The tabs of a form whose fields the services may refuse: the selected tab (the first of
 * `order` at first), the tabs holding a refused field (`tabOf` names the tab of a field path,
 * without `body.`, or `undefined` for a path no tab holds), and `showRefused`, for a mutation's
 * `onError`: a refused field in a hidden tab selects that tab (the first such), unless the one
 * shown holds one too.
 */
export function useFormTabs<K extends string>(order: readonly [K, ...K[]], tabOf: (path: string) => K | undefined) {
  const [tab, setTab] = useState<K>(order[0]);
  const refusedIn = (problem: Problem | undefined): K[] => {
    const refused = new Set((problem?.errors ?? []).map((e) => tabOf(e.path.replace(/^body\./, ''))).filter((key): key is K => key !== undefined));
    return order.filter((key) => refused.has(key));
  };
  const showRefused = (problem: Problem | undefined) => {
    const refused = refusedIn(problem);
    if (refused.length > 0 && !refused.includes(tab)) setTab(refused[0]!);
  };
  return { tab, setTab, refusedIn, showRefused };
}
