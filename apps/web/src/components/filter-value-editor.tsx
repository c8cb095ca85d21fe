'use client';
import { Command } from 'cmdk';
import { Check } from 'lucide-react';
import { useId, useState } from 'react';
import type { FilterField } from './filter-bar';
import { Button } from './ui/button';

const FIELD =
  'h-8 w-full rounded-md border border-border bg-panel px-2 text-sm outline-none focus:border-accent';

/** What every editor is given: the field, its value now ('' for none), and where a new one goes. */
interface EditorProps {
  field: FilterField;
  value: string;
  onApply: (value: string | null) => void;
}

const PRESETS: [string, number][] = [
  ['15 min ago', 15 * 60_000],
  ['1 h ago', 3_600_000],
  ['24 h ago', 86_400_000],
];

/**
 * The input for one filter. A choice applies as it is picked (a click, or Enter on the option the arrow keys
 * moved to); text and times apply with Enter or Apply; an empty value removes the filter.
 */
export function FilterValueEditor({ field, value, onApply }: EditorProps) {
  if (field.kind === 'choice') return <ChoiceList field={field} value={value} onApply={onApply} />;
  return <ValueForm field={field} value={value} onApply={onApply} />;
}

/**
 * A choice's options as a list to pick from, with a box that narrows it (listeners and error codes can be
 * many). The arrow keys move between options without applying any, unlike a native select, which would
 * change the filter on every key; "any" removes the filter.
 */
function ChoiceList({ field, value, onApply }: EditorProps) {
  const options = field.options ?? [];
  const item =
    'flex h-8 cursor-pointer items-center gap-2 rounded px-2 text-sm data-[selected=true]:bg-panel-2';
  return (
    <Command label={field.label} loop defaultValue={value || undefined}>
      <p className="pb-1 text-xs font-medium text-muted" aria-hidden>
        {field.label}
      </p>
      <Command.Input placeholder="Type to narrow the list…" className={`${FIELD} mb-1`} autoFocus />
      <Command.List label={`${field.label} choices`} className="max-h-64 overflow-y-auto">
        <Command.Empty className="px-2 py-3 text-sm text-muted">No {field.label} matches.</Command.Empty>
        {value && (
          <Command.Item value="any" onSelect={() => onApply(null)} className={`${item} text-muted`}>
            <span className="size-3.5" aria-hidden />
            any
          </Command.Item>
        )}
        {options.map((o) => (
          <Command.Item key={o} value={o} onSelect={() => onApply(o)} className={item}>
            {o === value ? (
              <Check className="size-3.5 text-accent" aria-hidden />
            ) : (
              <span className="size-3.5" aria-hidden />
            )}
            {field.renderOption ? field.renderOption(o) : <span className="truncate">{o}</span>}
          </Command.Item>
        ))}
      </Command.List>
    </Command>
  );
}

/** A text or time filter's value; Enter or Apply sets it, an empty value removes it. */
function ValueForm({ field, value, onApply }: EditorProps) {
  const id = useId();
  const [draft, setDraft] = useState(field.kind === 'time' ? toLocalInput(value) : value);
  const apply = () => {
    const v = draft.trim();
    if (!v) return onApply(null);
    if (field.kind === 'time') {
      const at = new Date(v).getTime();
      return onApply(Number.isNaN(at) ? null : new Date(at).toISOString());
    }
    onApply(v);
  };
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label htmlFor={id} className="block text-xs font-medium text-muted">
        {field.label}
      </label>
      {field.kind === 'time' ? (
        <>
          <input
            id={id}
            type="datetime-local"
            step={1}
            className={FIELD}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoFocus
          />
          <div className="flex flex-wrap gap-1">
            {PRESETS.map(([label, ms]) => (
              <button
                key={label}
                type="button"
                className="rounded border border-border px-1.5 py-0.5 text-xs text-muted hover:text-text"
                onClick={() => onApply(new Date(Date.now() - ms).toISOString())}
              >
                {label}
              </button>
            ))}
          </div>
        </>
      ) : (
        <>
          <input
            id={id}
            className={FIELD}
            value={draft}
            placeholder={field.placeholder}
            list={field.suggestions ? `${id}-list` : undefined}
            onChange={(e) => setDraft(e.target.value)}
            autoComplete="off"
            autoFocus
          />
          {field.suggestions && (
            <datalist id={`${id}-list`}>
              {field.suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </>
      )}
      <div className="flex justify-end gap-2">
        {value && (
          <Button variant="ghost" onClick={() => onApply(null)}>
            Remove
          </Button>
        )}
        <Button type="submit" variant="primary">
          Apply
        </Button>
      </div>
    </form>
  );
}

/** ISO → the `datetime-local` input's local `YYYY-MM-DDTHH:MM:SS`. */
function toLocalInput(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const d = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}
