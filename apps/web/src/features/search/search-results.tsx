'use client';
import type { MessageSearchHit } from '@organism/shared';
import type { ReactNode } from 'react';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import type { DataColumn } from '@/components/ui/data-table';
import { rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';

/** The words of a text query, for marking them in snippets (quotes and a trailing * dropped). */
export function queryWords(text: string | null): string[] {
  return (text ?? '').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The snippet with each query word marked where it starts a word (any case). */
function Marked({ snippet, words }: { snippet: string; words: readonly string[] }): ReactNode {
  if (words.length === 0) return snippet;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = snippet.split(
    new RegExp(`(?<![\\p{L}\\p{N}])((?:${escaped.join('|')})[\\p{L}\\p{N}]*)`, 'giu'),
  );
  return parts.map((p, i) =>
    i % 2 === 1 ? (
      <mark key={i} className="rounded-sm bg-accent/20 px-0.5 text-text">
        {p}
      </mark>
    ) : (
      p
    ),
  );
}

export function searchColumns(words: readonly string[]): DataColumn<MessageSearchHit>[] {
  return [
    { id: 'id', header: 'message', width: 104, cell: (m) => <IdLink id={m.id} href={`/messages/${m.id}`} /> },
    {
      id: 'state',
      header: 'state',
      width: 112,
      cell: (m) => <StateBadge state={m.state === 'FAILED' && isRejected(m) ? 'REJECTED' : m.state} />,
    },
    {
      id: 'route',
      header: 'from → to',
      width: 220,
      cell: (m) => (
        <span className="truncate" title={`${m.from ?? '?'} → ${m.to ?? '?'}`}>
          {m.from ?? '?'} <span className="text-muted">→</span> {m.to ?? 'broadcast'}
        </span>
      ),
    },
    {
      id: 'root',
      header: 'root',
      width: 110,
      from: 'xl',
      cell: (m) =>
        m.root ? (
          <span className="truncate font-mono text-xs" title={m.root}>
            {rootName(m.root)}
          </span>
        ) : null,
    },
    {
      id: 'match',
      header: 'match',
      cell: (m) => (
        <span className="truncate font-mono text-xs" title={m.snippet}>
          <Marked snippet={m.snippet} words={words} />
        </span>
      ),
    },
    { id: 'created', header: 'created', width: AGO_WIDTH, cell: (m) => <TimeAgo at={m.createdAt} /> },
  ];
}
