'use client';
import { parseAsString, useQueryStates } from 'nuqs';
import { FilterBar } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';

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

/**
 * Listener and error code as the other lists' chips (`FilterBar`): each picked from those the dead letters
 * carry, a value from the URL kept among them even when nothing carries it now.
 */
export function DeadLetterFilters({ listeners, codes }: { listeners: string[]; codes: string[] }) {
  const f = useDeadLetterFilters();
  const fields: FilterField[] = [
    { key: 'to', label: 'listener', kind: 'choice', options: withCurrent(listeners, f.to) },
    { key: 'errorCode', label: 'error code', kind: 'choice', options: withCurrent(codes, f.errorCode) },
  ];
  return (
    <FilterBar
      fields={fields}
      values={{ to: f.to, errorCode: f.errorCode }}
      onChange={(key, value) => f.set({ [key]: value })}
      onClear={f.clear}
    />
  );
}

/** A value from the URL stays selectable even when nothing currently carries it. */
function withCurrent(options: string[], current: string | undefined): string[] {
  return current === undefined || options.includes(current) ? options : [current, ...options];
}
