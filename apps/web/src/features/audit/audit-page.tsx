'use client';
import { useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useQueryStates } from 'nuqs';
import { FilterBar, NoMatches } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { KeysetPager } from '@/components/keyset-pager';
import { ExportLinks } from '@/components/export-links';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { formatCountOf } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ListError } from '@/components/list-error';
import { keyset, keysetParsers } from '@/lib/url-filters';
import { AUDITED_ACTIONS, auditColumns } from './audit-columns';
import { auditExportHref, auditFilterParsers, toAuditFilter } from './audit-filters';
import { shownError } from '@/lib/engine-error';

const parsers = { ...auditFilterParsers, ...keysetParsers };
const PAGE = 50;

/** Who did what, when, and how did it go? Every mutation, newest first, filtered and exportable. */
export function AuditPage() {
  const trpc = useTRPC();
  const [q, setQ] = useQueryStates(parsers);
  const pages = keyset(q.after);
  const filter = toAuditFilter(q);
  const log = useQuery(trpc.audit.list.queryOptions({ ...filter, limit: PAGE, cursor: pages.cursor }));
  const users = useQuery(trpc.users.list.queryOptions(undefined, { staleTime: 60_000 }));
  const tokens = useQuery(trpc.users.tokens.queryOptions(undefined, { staleTime: 60_000 }));
  const tokenNames = new Map((tokens.data ?? []).map((t) => [t.id, t.name]));
  const fields: FilterField[] = [
    {
      key: 'actor',
      label: 'who',
      kind: 'text',
      suggestions: [...(users.data ?? []).map((u) => u.name), 'cli'],
      placeholder: 'a user name, or cli',
    },
    { key: 'action', label: 'action', kind: 'text', suggestions: AUDITED_ACTIONS, placeholder: 'user.add' },
    { key: 'outcome', label: 'outcome', kind: 'choice', options: ['ok', 'error'] },
    { key: 'since', label: 'since', kind: 'time' },
    { key: 'until', label: 'until', kind: 'time' },
  ];
  const values = {
    actor: q.actor,
    action: q.action,
    outcome: q.outcome,
    since: q.since?.toISOString() ?? null,
    until: q.until?.toISOString() ?? null,
  };
  const filtered = Object.values(values).some(Boolean);
  const clear = () =>
    void setQ({ actor: null, action: null, outcome: null, since: null, until: null, after: null });
  const items = log.data?.items ?? [];
  const columns = auditColumns((actor) => void setQ({ actor, after: null }), tokenNames);
  const current = { actor: q.actor, action: q.action, outcome: q.outcome, since: q.since, until: q.until };
  return (
    <div className="max-w-7xl space-y-3">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Audit log</h1>
          <p className="mt-1 text-sm text-muted">
            Every change made through the console, the API or the command line: who, when, what, and how it
            went. Refusals are kept too.
          </p>
        </div>
        <ExportLinks
          label={filtered ? 'Export what matches:' : 'Export all:'}
          links={[
            { href: auditExportHref(current, 'csv'), format: 'CSV' },
            { href: auditExportHref(current, 'jsonl'), format: 'JSON lines' },
          ]}
        />
      </header>
      <FilterBar
        fields={fields}
        values={values}
        onChange={(key, value) =>
          void setQ({
            [key]: key === 'since' || key === 'until' ? (value ? new Date(value) : null) : value,
            after: null,
          })
        }
        onClear={clear}
      >
        <Button variant="ghost" onClick={() => void log.refetch()} aria-label="refresh the audit log">
          <RefreshCw className={`size-4 ${log.isFetching ? 'animate-spin' : ''}`} aria-hidden />
        </Button>
      </FilterBar>
      {shownError(log) ? (
        <ListError error={log.error} onFirstPage={q.after ? () => void setQ({ after: null }) : undefined} />
      ) : (
        <>
          <div className="rounded-lg border border-border bg-panel">
            <DataTable
              label="Audit log"
              columns={columns}
              rows={items}
              rowKey={(e) => String(e.seq)}
              loading={log.isPending}
              empty={
                filtered ? (
                  <NoMatches what="entries" onClear={clear} />
                ) : (
                  'Nothing audited yet. Sign-ins, sends, retries and every change to users, tokens and the configuration are recorded here.'
                )
              }
            />
          </div>
          <KeysetPager
            hasNewer={pages.hasNewer}
            nextCursor={log.data?.nextCursor}
            onNewer={() => void setQ({ after: pages.newer() })}
            onOlder={(c) => void setQ({ after: pages.older(c) })}
            shown={log.data ? `${formatCountOf(items.length, 'entry', 'entries')}, newest first` : undefined}
          />
        </>
      )}
    </div>
  );
}
