'use client';
import { messageStates } from '@organism/shared';
import type { MessageState } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useQueryStates } from 'nuqs';
import { FilterBar } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { KeysetPager } from '@/components/keyset-pager';
import { StateBadge } from '@/components/state-badge';
import { ExportLinks } from '@/components/export-links';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { messagesExportHref } from '@/features/messages/message-export';
import { engineCodeOf, errorProblems, shownError } from '@/lib/engine-error';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ListError } from '@/components/list-error';
import { keyset, keysetParsers } from '@/lib/url-filters';
import { SearchForm } from './search-form';
import { noMatchAdvice } from './search-advice';
import { searchParsers, toSearchInput } from './search-filters';
import type { SearchValues } from './search-filters';
import { queryWords, searchColumns } from './search-results';

const PAGE = 50;
const parsers = { ...searchParsers, ...keysetParsers };
const FIELDS: FilterField[] = [
  {
    key: 'state',
    label: 'state',
    kind: 'choice',
    options: messageStates,
    renderOption: (o) => <StateBadge state={o as MessageState} />,
  },
  { key: 'since', label: 'since', kind: 'time' },
  { key: 'until', label: 'until', kind: 'time' },
];

/** Which messages contain this? Text through the index, XPath over the payloads it narrows to. */
export function SearchPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const [q, setQ] = useQueryStates(parsers);
  const pages = keyset(q.after);
  const input = toSearchInput(q);
  const asked = Boolean(q.text || q.xpath);
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  const search = useQuery({
    ...trpc.messages.search.queryOptions({ ...input, limit: PAGE, cursor: pages.cursor }),
    enabled: asked,
    retry: (n, err) => engineCodeOf(err) !== 'INPUT_INVALID' && n < 2,
  });
  const problems = search.error ? errorProblems(search.error) : [];
  const at = (path: string) => problems.find((p) => p.path === path)?.message;
  const fieldError = Boolean(at('text') || at('xpath'));
  const data = search.data;
  const items = data?.items ?? [];
  // A page that is not full but has a cursor stopped at its scan budget: say so, and offer to go on.
  const bounded = data && data.nextCursor !== null && items.length < PAGE;
  const values = {
    state: q.state,
    since: q.since?.toISOString() ?? null,
    until: q.until?.toISOString() ?? null,
  };
  const exportValues = {
    to: q.to,
    text: q.text,
    xpath: q.xpath,
    state: q.state,
    since: q.since,
    until: q.until,
  };
  const candidates = data ? `${formatCount(data.candidates)}${data.candidatesCapped ? '+' : ''}` : '';
  return (
    <div className="max-w-7xl space-y-3">
      <header>
        <h1 className="text-xl font-semibold">Search</h1>
        <p className="mt-1 text-sm text-muted">
          Find messages by the words in their payload (indexed) or by an XPath over it, within a listener and
          a time range.
        </p>
      </header>
      <SearchForm
        key={`${q.to}\n${q.text}\n${q.xpath}`}
        value={{ to: q.to, text: q.text, xpath: q.xpath }}
        listeners={listeners.data?.map((l) => l.name)}
        errors={{ text: at('text'), xpath: at('xpath') }}
        onSearch={(s) => void setQ({ ...s, after: null })}
      />
      <FilterBar
        fields={FIELDS}
        values={values}
        onChange={(key, value) =>
          void setQ({
            [key]: key === 'since' || key === 'until' ? (value ? new Date(value) : null) : value,
            after: null,
          })
        }
        onClear={() => void setQ({ state: null, since: null, until: null, after: null })}
      >
        {/* Beside the filters, hidden until there are hits to export: nothing moves as it shows. */}
        <ExportLinks
          label="Export every hit:"
          hidden={!asked || Boolean(search.error)}
          links={[
            { href: messagesExportHref(exportValues, 'xml'), format: 'XML' },
            { href: messagesExportHref(exportValues, 'jsonl'), format: 'JSON lines' },
          ]}
        />
      </FilterBar>
      {shownError(search) && !fieldError ? (
        <ListError
          error={search.error}
          onFirstPage={q.after ? () => void setQ({ after: null }) : undefined}
        />
      ) : (
        <>
          <div className="rounded-lg border border-border bg-panel">
            <DataTable
              label="Search results"
              columns={searchColumns(queryWords(q.text))}
              rows={items}
              rowKey={(m) => m.id}
              loading={asked && search.isPending && !fieldError}
              onOpen={(m) => router.push(`/messages/${m.id}`)}
              empty={emptyText({
                asked,
                fieldError,
                bounded: Boolean(bounded),
                scanned: data?.scanned ?? 0,
                search: q,
              })}
            />
          </div>
          {bounded && (
            <p role="status" className="flex flex-wrap items-center gap-2 text-sm text-muted">
              Scanned {formatCount(data.scanned)} of {candidates} candidates
              {q.xpath ? ' (the XPath is evaluated on a bounded number per request)' : ''}.
              <Button onClick={() => data.nextCursor && void setQ({ after: pages.older(data.nextCursor) })}>
                Continue
              </Button>
            </p>
          )}
          {asked && !fieldError && (
            <KeysetPager
              hasNewer={pages.hasNewer}
              nextCursor={data?.nextCursor}
              onNewer={() => void setQ({ after: pages.newer() })}
              onOlder={(c) => void setQ({ after: pages.older(c) })}
              shown={data ? `${formatCount(items.length)} hits, newest first` : undefined}
            />
          )}
        </>
      )}
    </div>
  );
}

function emptyText(s: {
  asked: boolean;
  fieldError: boolean;
  bounded: boolean;
  scanned: number;
  search: Partial<SearchValues>;
}): string {
  if (!s.asked)
    return 'Type words to find in payloads, an XPath, or both. Words are looked up in an index of every payload; an XPath is evaluated on the messages the listener, the time range and the words narrow to.';
  if (s.fieldError) return 'Nothing was searched: correct what is marked above.';
  if (s.bounded)
    return `No hits among the ${formatCount(s.scanned)} candidates scanned so far. Continue to scan older ones.`;
  return noMatchAdvice(s.search);
}
