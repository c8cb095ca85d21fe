'use client';
import type { MessageSearchHit } from '@organism/shared';
import type { ReactNode } from 'react';
import type { DataColumn } from '@/components/ui/data-table';
import { messageColumn } from '../messages/message-columns';

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

/** The messages list's columns, with what the search matched in the room the list gives its kind and error. */
export function searchColumns(words: readonly string[]): DataColumn<MessageSearchHit>[] {
  return [
    messageColumn('id'),
    messageColumn('state'),
    { ...messageColumn('route'), width: 220 },
    messageColumn('root'),
    {
      id: 'match',
      header: 'match',
      cell: (m) => (
        <span className="truncate font-mono text-xs" title={m.snippet}>
          <Marked snippet={m.snippet} words={words} />
        </span>
      ),
    },
    messageColumn('created'),
  ];
}
