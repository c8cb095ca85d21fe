'use client';
import { Command } from 'cmdk';
import { CircleAlert, Plus, X } from 'lucide-react';
import { useSearchParams } from 'next/navigation';
import { Popover } from 'radix-ui';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { formatExact } from '@/lib/format';
import { FilterValueEditor } from './filter-value-editor';
import { unreadFilters } from './unread-filters';
import { Button } from './ui/button';

/** One filter a list offers. Values are strings; a `time` filter's value is an ISO date-time. */
export interface FilterField {
  /** Its key in the page's address (`?state=FAILED`). */
  key: string;
  label: string;
  /** `choice` picks one of `options`; `text` is free text (with `suggestions`); `time` is a date and time. */
  kind: 'text' | 'choice' | 'time';
  options?: readonly string[];
  /** How a `choice` shows each option in its list (a state with its mark); the option's text by default. */
  renderOption?: (option: string) => ReactNode;
  suggestions?: readonly string[];
  placeholder?: string;
}

/**
 * Filters as chips above a table: each active filter is a chip (click to change it, × to remove it), "Filter"
 * adds one. The values live in the page's address (through nuqs); this only shows and edits them. A value
 * the address has but the page could not read (`?state=NOPE`) is a chip too, saying it is ignored, with its ×.
 */
export function FilterBar({
  fields,
  values,
  onChange,
  onClear,
  children,
}: {
  fields: readonly FilterField[];
  values: Readonly<Record<string, string | null | undefined>>;
  onChange: (key: string, value: string | null) => void;
  onClear: () => void;
  /** Controls shown at the bar's right end (a search box, a mode switch). */
  children?: ReactNode;
}) {
  const active = fields.filter((f) => values[f.key]);
  const inactive = fields.filter((f) => !values[f.key]);
  const unread = unreadFilters(fields, values, useSearchParams());
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
      {active.map((f) => (
        <FilterEditor key={f.key} field={f} value={values[f.key] ?? ''} onApply={(v) => onChange(f.key, v)}>
          {(trigger) => (
            <span className="inline-flex h-7 items-center rounded-full border border-accent/40 bg-accent/10 text-xs">
              {trigger(
                <span className="pr-1 pl-2.5">
                  <span className="text-muted">{f.label}:</span>{' '}
                  <span className="font-medium">{show(f, values[f.key] ?? '')}</span>
                </span>,
              )}
              <button
                type="button"
                aria-label={`remove the ${f.label} filter`}
                className="mr-1 rounded-full p-0.5 text-muted hover:bg-panel-2 hover:text-text"
                onClick={() => onChange(f.key, null)}
              >
                <X className="size-3.5" aria-hidden />
              </button>
            </span>
          )}
        </FilterEditor>
      ))}
      {unread.map(({ field, raw, why }) => (
        <span
          key={field.key}
          title={`The address's ${field.label} filter is not understood, so it filters nothing.`}
          className="inline-flex h-7 items-center rounded-full border border-dashed border-muted/60 text-xs"
        >
          <CircleAlert className="ml-2 size-3.5 shrink-0 text-muted" aria-hidden />
          <span className="pr-1 pl-1.5">
            <span className="text-muted">{field.label}:</span>{' '}
            <span className="inline-block max-w-48 truncate align-bottom font-medium line-through">
              {raw}
            </span>{' '}
            <span className="text-muted">— {why}, ignored</span>
          </span>
          <button
            type="button"
            aria-label={`remove the ${field.label} filter`}
            className="mr-1 rounded-full p-0.5 text-muted hover:bg-panel-2 hover:text-text"
            onClick={() => onChange(field.key, null)}
          >
            <X className="size-3.5" aria-hidden />
          </button>
        </span>
      ))}
      {inactive.length > 0 && <AddFilter fields={inactive} onApply={onChange} />}
      {active.length + unread.length > 1 && (
        <button
          type="button"
          className="text-xs text-muted hover:text-text hover:underline"
          onClick={onClear}
        >
          Clear all
        </button>
      )}
      {children && <div className="ml-auto flex items-center gap-2">{children}</div>}
    </div>
  );
}

/** Says that the filters match nothing, and offers to clear them. */
export function NoMatches({ what, onClear }: { what: string; onClear: () => void }) {
  return (
    <span className="inline-flex flex-col items-center gap-2">
      <span>No {what} match these filters.</span>
      <Button onClick={onClear}>Clear the filters</Button>
    </span>
  );
}

function show(f: FilterField, value: string): string {
  if (f.kind !== 'time') return value;
  const at = Date.parse(value);
  return Number.isNaN(at) ? value : formatExact(at).slice(0, 19);
}

function AddFilter({
  fields,
  onApply,
}: {
  fields: readonly FilterField[];
  onApply: (key: string, value: string | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const [field, setField] = useState<FilterField | null>(null);
  return (
    <Popover.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setField(null);
      }}
    >
      <Popover.Trigger className="inline-flex h-7 items-center gap-1 rounded-full border border-dashed border-border px-2.5 text-xs text-muted hover:border-accent hover:text-text">
        <Plus className="size-3.5" aria-hidden /> Filter
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={6}
          aria-label={field ? `the ${field.label} filter` : 'add a filter'}
          className="z-50 w-72 rounded-md border border-border bg-panel p-2 shadow-lg"
        >
          {field ? (
            <FilterValueEditor
              field={field}
              value=""
              onApply={(v) => {
                onApply(field.key, v);
                setOpen(false);
                setField(null);
              }}
            />
          ) : (
            <FieldList fields={fields} onPick={setField} />
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/**
 * The fields a filter can be added on, with a box that narrows them as in the value lists: typing "state"
 * leaves "state", the arrow keys (Home, End) move the highlight, and Enter picks the highlighted field. A
 * typed name that matches no field leaves nothing to pick, rather than the first field.
 */
function FieldList({
  fields,
  onPick,
}: {
  fields: readonly FilterField[];
  onPick: (field: FilterField) => void;
}) {
  return (
    <Command label="Add a filter" loop>
      <Command.Input
        placeholder="Type to narrow the fields…"
        className="mb-1 h-8 w-full rounded-md border border-border bg-panel px-2 text-sm outline-none focus:border-accent"
        autoFocus
      />
      <Command.List label="Filter fields" className="max-h-64 overflow-y-auto">
        <Command.Empty className="px-2 py-3 text-sm text-muted">No field matches.</Command.Empty>
        {fields.map((f) => (
          <Command.Item
            key={f.key}
            value={f.label}
            onSelect={() => onPick(f)}
            className="flex h-8 cursor-pointer items-center rounded px-2 text-sm data-[selected=true]:bg-panel-2"
          >
            {f.label}
          </Command.Item>
        ))}
      </Command.List>
    </Command>
  );
}

function FilterEditor({
  field,
  value,
  onApply,
  children,
}: {
  field: FilterField;
  value: string;
  onApply: (value: string | null) => void;
  children: (trigger: (label: ReactNode) => ReactNode) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      {children((label) => (
        <Popover.Trigger aria-label={`change the ${field.label} filter`} className="h-full rounded-l-full">
          {label}
        </Popover.Trigger>
      ))}
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={6}
          aria-label={`the ${field.label} filter`}
          className="z-50 w-72 rounded-md border border-border bg-panel p-2 shadow-lg"
        >
          <FilterValueEditor
            field={field}
            value={value}
            onApply={(v) => {
              onApply(v);
              setOpen(false);
            }}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
