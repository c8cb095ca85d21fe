'use client';
import { X } from 'lucide-react';
import { parseAsString, useQueryStates } from 'nuqs';

/** The list's filters, kept in the URL so a view can be shared and reloaded. */
export function useDeadLetterFilters() {
  const [filters, setFilters] = useQueryStates(
    { to: parseAsString, errorCode: parseAsString },
    { history: 'replace' },
  );
  return {
    to: filters.to ?? undefined,
    errorCode: filters.errorCode ?? undefined,
    set: (next: { to?: string | null; errorCode?: string | null }) => void setFilters(next),
    clear: () => void setFilters({ to: null, errorCode: null }),
  };
}

const SELECT =
  'h-8 rounded-md border border-border bg-panel px-2 text-sm text-text hover:bg-panel-2 disabled:opacity-50';

/** Listener and error code as chips (active) and pickers (to add or change one). */
export function DeadLetterFilters({ listeners, codes }: { listeners: string[]; codes: string[] }) {
  const f = useDeadLetterFilters();
  const active = [
    f.to !== undefined && { key: 'to' as const, label: 'listener', value: f.to },
    f.errorCode !== undefined && { key: 'errorCode' as const, label: 'error code', value: f.errorCode },
  ].filter((x) => x !== false);
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
      <label className="sr-only" htmlFor="filter-to">
        Listener
      </label>
      <select
        id="filter-to"
        className={SELECT}
        value={f.to ?? ''}
        onChange={(e) => f.set({ to: e.target.value || null })}
      >
        <option value="">All listeners</option>
        {withCurrent(listeners, f.to).map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor="filter-code">
        Error code
      </label>
      <select
        id="filter-code"
        className={SELECT}
        value={f.errorCode ?? ''}
        onChange={(e) => f.set({ errorCode: e.target.value || null })}
      >
        <option value="">All error codes</option>
        {withCurrent(codes, f.errorCode).map((code) => (
          <option key={code} value={code}>
            {code}
          </option>
        ))}
      </select>
      {active.map((chip) => (
        <span
          key={chip.key}
          className="inline-flex h-7 items-center gap-1 rounded-full border border-border bg-panel-2 pr-1 pl-2.5 text-xs"
        >
          <span className="text-muted">{chip.label}</span>
          <span className="font-medium">{chip.value}</span>
          <button
            type="button"
            aria-label={`remove the ${chip.label} filter`}
            className="flex size-5 items-center justify-center rounded-full text-muted hover:bg-panel hover:text-text"
            onClick={() => f.set({ [chip.key]: null })}
          >
            <X className="size-3" aria-hidden />
          </button>
        </span>
      ))}
    </div>
  );
}

/** A value from the URL stays selectable even when nothing currently carries it. */
function withCurrent(options: string[], current: string | undefined): string[] {
  return current === undefined || options.includes(current) ? options : [current, ...options];
}
