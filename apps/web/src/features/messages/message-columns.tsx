import type { MessageSummary } from '@organism/shared';
import { Attempts } from '@/components/attempts';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import type { DataColumn } from '@/components/ui/data-table';
import { rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';

/**
 * A list of messages' columns (the messages page's): one array for every render, so the table's rows
 * keep their drawn cells. A list of one listener's messages takes those it needs (`messageColumn`).
 */
export const MESSAGE_COLUMNS: DataColumn<MessageSummary>[] = [
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
    cell: (m) => (
      <span title={`${m.from ?? '?'} → ${m.to ?? '?'}`}>
        {m.from ?? '?'} <span className="text-muted">→</span>{' '}
        {m.to ?? (isRejected(m) ? 'refused at intake' : 'broadcast')}
      </span>
    ),
  },
  {
    id: 'root',
    header: 'root',
    width: 130,
    // From 1280 px: below that the route needs the room more.
    from: 'xl',
    cell: (m) => <RootCell root={m.root} />,
  },
  {
    id: 'kind',
    header: 'kind',
    width: 80,
    from: 'xl',
    cell: (m) => <span className="text-muted">{m.kind}</span>,
  },
  {
    id: 'attempts',
    header: 'attempts',
    width: 76,
    numeric: true,
    // From 1280 px: below that the thread's link needs the room more (the message's page says its attempts).
    from: 'xl',
    cell: (m) => <Attempts m={m} />,
  },
  {
    id: 'code',
    header: 'error',
    // REDELIVERY_EXHAUSTED's width, the longest code a message can end with; the title has the code with
    // the first line of why.
    width: 152,
    cell: (m) => (
      <span
        className={`font-mono text-xs ${isRejected(m) ? 'text-rejected' : 'text-failed'}`}
        title={m.errorCode ? [m.errorCode, m.errorLine].filter(Boolean).join(': ') : undefined}
      >
        {m.errorCode ?? ''}
      </span>
    ),
  },
  {
    id: 'thread',
    header: 'thread',
    width: 104,
    // From 1024 px, where the route keeps about 250 px beside it.
    from: 'lg',
    cell: (m) => (m.threadId ? <IdLink id={m.threadId} href={`/threads/${m.threadId}`} /> : null),
  },
  { id: 'created', header: 'created', width: AGO_WIDTH, cell: (m) => <TimeAgo at={m.createdAt} /> },
];

/** One of the messages list's columns, by id, to draw it the same in another list of messages. */
export function messageColumn(id: string): DataColumn<MessageSummary> {
  const column = MESSAGE_COLUMNS.find((c) => c.id === id);
  if (!column) throw new Error(`no message column ${id}`);
  return column;
}

/** A payload's root element by its local name, the whole `{namespace}name` on hover; nothing without one. */
export function RootCell({ root }: { root: string | null }) {
  return root ? (
    <span className="font-mono text-xs" title={root}>
      {rootName(root)}
    </span>
  ) : null;
}
