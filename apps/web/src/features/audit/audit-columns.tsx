'use client';
import { Check, X } from 'lucide-react';
import Link from 'next/link';
import { IdLink } from '@/components/id-link';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import { CellNote, CellPieces } from '@/components/ui/cell-note';
import type { DataColumn } from '@/components/ui/data-table';
import { groupHref } from '@/features/dead-letters/dead-letter-groups';
import type { AuditRecord } from './audit-export';

/** The actions the engine audits today, for the action filter's suggestions. */
export const AUDITED_ACTIONS = [
  'auth.login',
  'auth.password',
  'config.apply',
  'config.rollback',
  'config.upload',
  'extension.discard',
  'extension.discard-all',
  'extension.retry',
  'extension.retry-all',
  'journal.discard',
  'journal.discardMany',
  'journal.retry',
  'journal.retryMany',
  'listener.pause',
  'listener.resume',
  'message.inject',
  'message.republish',
  'organism.reload',
  'organism.restart',
  'thread.kill',
  'token.create',
  'token.revoke',
  'user.add',
  'user.password',
  'user.remove',
  'user.role',
] as const;

/** The entry's detail as an object, or null when it is none (or not JSON). */
function parsed(detail: string | null): Record<string, unknown> | null {
  if (!detail) return null;
  try {
    const value: unknown = JSON.parse(detail);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The keys of a bulk action's detail that name a group of dead letters, and its count. */
const GROUP_KEYS = ['to', 'errorCode', 'state', 'retried', 'discarded'];

/**
 * A bulk retry's or discard's dead letters, linked: the group it acted on (a listener and a code), or the
 * dead letters as filtered (one of the two), or all of them.
 */
function Group({ detail }: { detail: Record<string, unknown> | null }) {
  const to = detail?.['to'] === null ? null : text(detail?.['to']);
  const errorCode = text(detail?.['errorCode']);
  // A filter of the API's beyond the console's listener and code (a sender, a time range…): said in the
  // detail beside, not named as a group it was not.
  const other = Object.keys(detail ?? {}).some((k) => !GROUP_KEYS.includes(k) && detail?.[k] != null);
  if (other) return <span className="text-muted">dead letters matching a filter</span>;
  const q = new URLSearchParams();
  if (to) q.set('to', to);
  if (errorCode) q.set('errorCode', errorCode);
  const href =
    to !== undefined && (errorCode !== undefined || to === null)
      ? groupHref({ to, errorCode: errorCode ?? null })
      : `/dead-letters${q.size > 0 ? `?${q.toString()}` : ''}`;
  const named = [to === null ? 'no listener' : to, errorCode].filter(Boolean).join(' · ');
  const label = named || 'every dead letter';
  return (
    <Link href={href} className="text-accent hover:underline" title={label}>
      {label}
    </Link>
  );
}

/** What an action acted on, as a link where the console has a page for it; a token by its name. */
function Target({ e, tokenNames }: { e: AuditRecord; tokenNames: ReadonlyMap<string, string> }) {
  const t = e.target;
  if (e.action === 'journal.retryMany' || e.action === 'journal.discardMany')
    return <Group detail={parsed(e.detail)} />;
  if (t === null) return <span className="text-muted">—</span>;
  if (e.action === 'journal.retry' || e.action === 'journal.discard')
    return <IdLink id={t} href={`/messages/${t}`} />;
  if (e.action === 'thread.kill') return <IdLink id={t} href={`/threads/${t}`} />;
  if (e.action === 'token.revoke')
    return (
      <span className="inline-flex items-center gap-1.5">
        {tokenNames.get(t)} <IdLink id={t} />
      </span>
    );
  if (
    ((e.action === 'message.inject' || e.action === 'message.republish') && !t.startsWith('(')) ||
    e.action === 'listener.pause' ||
    e.action === 'listener.resume'
  )
    return (
      <Link href={`/listeners/${encodeURIComponent(t)}`} className="text-accent hover:underline">
        {t}
      </Link>
    );
  // An extension's dead letters are on the Extensions page, under its name.
  if (e.action.startsWith('extension.'))
    return (
      <Link href="/extensions" className="text-accent hover:underline">
        {t}
      </Link>
    );
  // The organism's file: its name, linked to the configuration page; the whole path on hover.
  if (e.action === 'organism.reload' || e.action === 'config.apply')
    return (
      <Link href="/config" className="text-accent hover:underline" title={t}>
        {t.split(/[\\/]/).at(-1)}
      </Link>
    );
  return <span title={t}>{t}</span>;
}

/** `{"role":"viewer"}` → `role: viewer` (but the keys `leave`): the detail in words, the JSON on hover. */
function summary(detail: string | null, leave: readonly string[] = []): string {
  const d = parsed(detail);
  if (!d) return detail ?? '';
  return Object.entries(d)
    .filter(([k, v]) => v !== undefined && v !== null && !leave.includes(k))
    .map(([k, v]) => `${k}: ${words(v)}`)
    .join(', ');
}

/** At most this many of a broadcast's new messages are linked; the rest are counted. */
const LINKED = 3;

/**
 * What an action did, in words and links: a role change from what it was, a sent message's messages (and
 * the one it sent again) and thread, in that order since at laptop widths the last may not fit (the
 * message's page links its thread), a bulk action's count; otherwise the detail's fields.
 */
function Detail({ e }: { e: AuditRecord }) {
  const d = parsed(e.detail);
  const said = (s: string) => <CellNote text={s} title={e.detail ?? undefined} />;
  if (e.action === 'user.role' && d && text(d['role']))
    return said(text(d['was']) ? `${text(d['was'])} → ${text(d['role'])}` : `role: ${text(d['role'])}`);
  if ((e.action === 'message.inject' || e.action === 'message.republish') && d) {
    const thread = text(d['thread']);
    const ids = Array.isArray(d['messageIds']) ? d['messageIds'].filter((x) => typeof x === 'string') : [];
    const source = text(d['republishOf']);
    return (
      <CellPieces title={e.detail ?? undefined}>
        {ids.length > 0 && (
          <span>
            {ids.length === 1 ? 'message' : `${ids.length} messages`}{' '}
            <span className="inline-flex gap-2">
              {ids.slice(0, LINKED).map((id) => (
                <IdLink key={id} id={id} href={`/messages/${id}`} />
              ))}
              {ids.length > LINKED && '…'}
            </span>
          </span>
        )}
        {source && (
          <span>
            sent again from <IdLink id={source} href={`/messages/${source}`} />
          </span>
        )}
        {thread && (
          <span>
            thread <IdLink id={thread} href={`/threads/${thread}`} />
          </span>
        )}
      </CellPieces>
    );
  }
  if (e.action === 'journal.retryMany' || e.action === 'journal.discardMany')
    return said(summary(e.detail, ['to', 'errorCode', 'state']));
  return said(summary(e.detail));
}

function words(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

function Outcome({ outcome }: { outcome: 'ok' | 'error' }) {
  return outcome === 'ok' ? (
    <span className="inline-flex items-center gap-1 text-xs font-medium text-acked">
      <Check className="size-3.5" aria-hidden /> ok
    </span>
  ) : (
    <span className="inline-flex items-center gap-1 text-xs font-medium text-failed">
      <X className="size-3.5" aria-hidden /> error
    </span>
  );
}

/**
 * The audit table's columns; `onActor` narrows the log to one actor (a click on their name), `tokenNames`
 * names the tokens a `token.revoke` names only by id.
 */
export function auditColumns(
  onActor: (actor: string) => void,
  tokenNames: ReadonlyMap<string, string>,
): DataColumn<AuditRecord>[] {
  return [
    { id: 'at', header: 'when', width: AGO_WIDTH, cell: (e) => <TimeAgo at={e.at} /> },
    {
      id: 'actor',
      header: 'who',
      width: 112,
      cell: (e) => (
        <button
          type="button"
          className="max-w-full truncate font-medium hover:underline"
          title={`only what ${e.actor} did`}
          onClick={() => onActor(e.actor)}
        >
          {e.actor}
        </button>
      ),
    },
    {
      id: 'action',
      header: 'action',
      width: 150,
      cell: (e) => <span className="font-mono text-xs">{e.action}</span>,
    },
    { id: 'target', header: 'on', width: 160, cell: (e) => <Target e={e} tokenNames={tokenNames} /> },
    { id: 'outcome', header: 'outcome', width: 84, cell: (e) => <Outcome outcome={e.outcome} /> },
    {
      id: 'what',
      header: 'detail',
      cell: (e) =>
        e.outcome === 'error' ? <CellNote text={e.error ?? undefined} tone="failed" /> : <Detail e={e} />,
    },
  ];
}
