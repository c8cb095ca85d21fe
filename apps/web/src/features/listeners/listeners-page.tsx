'use client';
import { Search } from 'lucide-react';
import { NoMatches } from '@/components/filter-bar';
import { LastKnownNote } from '@/components/last-known-note';
import { describeError } from '@/lib/engine-error';
import { formatCount, formatCountOf } from '@/lib/format';
import { useLiveListeners } from '@/lib/live-listeners';
import { LISTENER_STATES, filterListeners, useListenerFilters } from './listener-filters';
import { ListenersTable } from './listeners-table';

/** What listens, how busy is each, which fail? Every listener, live, filtered through the URL. */
export function ListenersPage() {
  const listeners = useLiveListeners();
  const [filters, setFilters] = useListenerFilters();
  const all = listeners.data;
  const shown = all ? filterListeners(all, filters) : undefined;
  const filtered = !!filters.state || !!filters.q;
  const systemCount = all?.filter((l) => l.system).length ?? 0;
  return (
    <div className="max-w-7xl space-y-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Listeners</h1>
        <p className="tabular mr-auto text-sm text-muted">
          {all &&
            summary(
              all.filter((l) => !l.system),
              filters.system ? systemCount : 0,
            )}
        </p>
        <div role="group" aria-label="State" className="flex items-center gap-1">
          <Chip pressed={!filters.state} onClick={() => void setFilters({ state: null })}>
            any state
          </Chip>
          {LISTENER_STATES.map((s) => (
            <Chip
              key={s}
              pressed={filters.state === s}
              onClick={() => void setFilters({ state: filters.state === s ? null : s })}
            >
              {s}
            </Chip>
          ))}
        </div>
        <label className="relative flex items-center">
          <span className="sr-only">Filter by name</span>
          <Search className="pointer-events-none absolute left-2 size-3.5 text-muted" aria-hidden />
          <input
            type="search"
            value={filters.q}
            onChange={(e) => void setFilters({ q: e.target.value || null })}
            placeholder="Filter by name"
            className="h-8 w-48 rounded-md border border-border bg-panel pr-2 pl-7 text-sm outline-none placeholder:text-muted focus:border-accent"
          />
        </label>
        <Chip pressed={filters.system} onClick={() => void setFilters({ system: !filters.system || null })}>
          system listeners{systemCount ? ` (${systemCount})` : ''}
        </Chip>
      </header>
      <LastKnownNote what="states and counts" />
      <section aria-label="Listeners" className="overflow-clip rounded-lg border border-border bg-panel">
        {listeners.error && !all ? (
          <p className="p-4 text-sm text-failed">{describeError(listeners.error)}</p>
        ) : (
          <ListenersTable
            listeners={shown}
            empty={
              filtered ? (
                <NoMatches what="listeners" onClear={() => void setFilters({ state: null, q: null })} />
              ) : (
                'This organism has no listeners of its own yet: they are declared under `listeners:` in organism.yaml.'
              )
            }
          />
        )}
      </section>
    </div>
  );
}

/** A filter chip: a toggle button that says whether it is on. */
export function Chip({
  pressed,
  onClick,
  children,
}: {
  pressed: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`h-7 rounded-full border px-2.5 text-xs font-medium ${pressed ? 'border-accent bg-accent/10 text-accent' : 'border-border bg-panel text-muted hover:text-text'}`}
    >
      {children}
    </button>
  );
}

/**
 * "6 listeners · 1 processing · 2 in error": the organism's own listeners at a glance, and the system's
 * when they are shown too ("8 listeners and 3 system").
 */
function summary(own: { state: string }[], system: number): string {
  const count = (state: string) => own.filter((l) => l.state === state).length;
  const parts = [
    `${formatCountOf(own.length, 'listener')}${system ? ` and ${formatCount(system)} system` : ''}`,
  ];
  if (count('processing')) parts.push(`${count('processing')} processing`);
  if (count('paused')) parts.push(`${count('paused')} paused`);
  if (count('error')) parts.push(`${count('error')} in error`);
  return parts.join(' · ');
}
