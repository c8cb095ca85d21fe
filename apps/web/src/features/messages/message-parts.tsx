'use client';
import type { MessageDetail, MessageSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { ArrowRight } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';
import { XmlView } from '@/components/xml-view';
import { splitStack } from '@/lib/error-detail';
import { formatCountOf, rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';
import { problemsOf } from '@/lib/problems';
import { useTRPC } from '@/lib/trpc';
import { codeHint } from '../dead-letters/code-hints';
import { groupHref } from '../dead-letters/dead-letter-groups';
import type { DetailProblem } from '@/lib/problems';

/** The parts of a message that the message page and a thread's hop both show. */

/** Who sent it to whom, its root, kind, attempt, thread, age and parent, in one line. */
export function MessageFacts({ m, threadLink = true }: { m: MessageSummary; threadLink?: boolean }) {
  const rejected = m.state === 'FAILED' && isRejected(m);
  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-muted">
      <Party name={m.from} none="unknown sender" />
      <ArrowRight className="size-3.5" aria-label="to" />
      <Party name={m.to} none={rejected ? 'refused at intake' : 'broadcast'} />
      {m.root && (
        <span className="font-mono text-xs" title={m.root}>
          &lt;{rootName(m.root)}&gt;
        </span>
      )}
      <span>· {m.kind}</span>
      {m.egress ? (
        <span title="An outside producer's answer is recorded, never dispatched">· to its producer</span>
      ) : (
        !rejected && <span>· attempt {m.attempts}</span>
      )}
      {m.threadId && (
        <span className="flex items-center gap-1">
          · thread <IdLink id={m.threadId} href={threadLink ? `/threads/${m.threadId}` : undefined} />
        </span>
      )}
      <span>
        · created <TimeAgo at={m.createdAt} />
      </span>
      {m.parentId && (
        <span className="flex items-center gap-1">
          · reply to <IdLink id={m.parentId} href={`/messages/${m.parentId}`} />
        </span>
      )}
    </p>
  );
}

/** A sender or recipient: a listener's name leads to its page (its contract, its state), a producer's is text. */
function Party({ name, none }: { name: string | null; none: string }) {
  const trpc = useTRPC();
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  if (name === null) return <span className="text-text">{none}</span>;
  if (!listeners.data?.some((l) => l.name === name)) return <span className="text-text">{name}</span>;
  return (
    <Link href={`/listeners/${encodeURIComponent(name)}`} className="text-text hover:underline">
      {name}
    </Link>
  );
}

/** A failure: its code as a badge, what happened, the engine's detail, and what the operator can do next. */
export function MessageFailure({
  m,
  canRetry,
  next,
}: {
  m: MessageDetail;
  canRetry: boolean;
  /** What to do next where the retry is elsewhere (a thread's hop: on the message's page). */
  next?: ReactNode;
}) {
  const rejected = isRejected(m);
  // What the code means and whether a retry can help (refused input says so in its own words below).
  const hint = rejected ? undefined : codeHint(m.errorCode, false);
  const located = rejected && m.raw ? problemsOf(m.errorDetail).filter((p) => p.line !== undefined) : [];
  // A dead letter's others of its listener and code, where they are retried or discarded together.
  const group = m.state === 'FAILED' && (
    <>
      {' · '}
      <Link
        href={groupHref({ to: m.to, errorCode: m.errorCode })}
        prefetch={false}
        className="text-accent underline"
      >
        its dead-letter group
      </Link>
    </>
  );
  return (
    <section
      aria-label="Failure"
      className={`rounded-lg border p-4 ${rejected ? 'border-rejected/40 bg-rejected/5' : 'border-failed/40 bg-failed/5'}`}
    >
      <p className="flex items-center gap-2">
        <span
          className={`rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${rejected ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
        >
          {m.errorCode ?? 'FAILED'}
        </span>
        <span className="text-sm">
          {rejected ? (
            <>
              Refused at intake: it never reached a listener.
              {group}
            </>
          ) : (
            // Where and when (CONSOLE.md: listener, attempt, time), and the contract its input was held to.
            <>
              Failed at {m.to ?? '?'} after {formatCountOf(m.attempts, 'attempt')},{' '}
              <TimeAgo at={m.updatedAt} />
              {m.to && (
                <>
                  {' · '}
                  <Link
                    href={`/listeners/${encodeURIComponent(m.to)}`}
                    prefetch={false}
                    className="text-accent underline"
                  >
                    {m.to}&apos;s contract
                  </Link>
                </>
              )}
              {group}
            </>
          )}
        </span>
      </p>
      {m.errorDetail && located.length === 0 && <ErrorDetail detail={m.errorDetail} />}
      {located.length > 0 && (
        <p className="mt-2 text-sm">
          {located.length === 1 ? 'One problem, marked' : `${located.length} problems, marked`} at{' '}
          {located.length === 1 ? 'its line' : 'their lines'} in the raw input below.
        </p>
      )}
      {hint && <p className="mt-2 text-sm">{hint}</p>}
      <p className="mt-2 text-xs text-muted">
        {rejected
          ? 'Fix the input and send it again; the raw input is shown below exactly as it arrived.'
          : canRetry
            ? 'Retry runs it again as a new attempt; Edit and send opens it in the composer, to fix and send as a new message.'
            : (next ?? '')}
      </p>
    </section>
  );
}

/**
 * A failure's detail: what the handler threw, in full; a stack trace under it stays folded, its first frame
 * (where the throw happened) in view.
 */
function ErrorDetail({ detail }: { detail: string }) {
  const { message, frames } = splitStack(detail);
  return (
    <>
      <pre className="mt-2 text-sm whitespace-pre-wrap">{message}</pre>
      {frames.length > 0 && (
        <details className="mt-1 text-sm">
          <summary className="cursor-pointer text-muted hover:text-text">
            <span className="font-mono text-xs">{frames[0]}</span>
            {frames.length > 1 && ` and ${formatCountOf(frames.length - 1, 'frame')} more`}
          </summary>
          <pre className="mt-1 overflow-x-auto pl-4 font-mono text-xs text-muted">{frames.join('\n')}</pre>
        </details>
      )}
    </>
  );
}

/** The refused input exactly as it arrived, each problem marked at its line and listed under it. */
export function RawInput({
  raw,
  detail,
  maxHeight,
}: {
  raw: string;
  detail: string | null;
  maxHeight?: number;
}) {
  const problems = problemsOf(detail);
  const located = problems.filter((p): p is DetailProblem & { line: number } => p.line !== undefined);
  return (
    <div className="space-y-2">
      <XmlView text={raw} label="raw input" asWritten problems={located} maxHeight={maxHeight} />
      {problems.length > 0 && (
        <ol aria-label="Problems" className="space-y-1 text-sm">
          {problems.map((p, i) => (
            <li key={i} className="flex gap-2">
              <span className="shrink-0 font-mono text-xs leading-5 text-rejected">
                {p.line !== undefined ? `line ${p.line}${p.column ? `:${p.column}` : ''}` : 'input'}
              </span>
              <span className="min-w-0">
                {p.message}
                {p.path && <span className="ml-1 font-mono text-xs text-muted">{p.path}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The XML a message has (payload, envelope, or the refused raw input), each titled, for a page to lay out. */
export function messageXml(
  m: MessageDetail,
  maxHeight?: number,
): { key: string; title: string; view: ReactNode }[] {
  const out: { key: string; title: string; view: ReactNode }[] = [];
  if (m.payloadXml)
    out.push({
      key: 'payload',
      title: 'Payload',
      view: <XmlView text={m.payloadXml} label="payload XML" maxHeight={maxHeight} />,
    });
  if (m.envelopeXml)
    out.push({
      key: 'envelope',
      title: 'Envelope',
      view: <XmlView text={m.envelopeXml} label="envelope XML" maxHeight={maxHeight} />,
    });
  if (m.raw && (isRejected(m) || !m.envelopeXml))
    out.push({
      key: 'raw',
      title: 'Raw input (as received)',
      view: <RawInput raw={m.raw} detail={isRejected(m) ? m.errorDetail : null} maxHeight={maxHeight} />,
    });
  return out;
}
