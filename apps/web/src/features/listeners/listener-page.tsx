'use client';
import { usePrefetchQuery } from '@tanstack/react-query';
import { ArrowRight, TextSearch, Waypoints } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LastKnownNote } from '@/components/last-known-note';
import { ListenerStateBadge } from '@/components/listener-state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Missing } from '@/components/missing';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { formatCount, formatDuration, plural } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { useLiveListeners } from '@/lib/live-listeners';
import { splitRoot } from '@/lib/qname';
import { useTRPC } from '@/lib/trpc';
import { searchHref } from '@/features/search/search-filters';
import { ContractElements, elementsQuery } from './contract-elements';
import { ExampleInstances } from './example-instances';
import { RecentMessages, recentMessagesQuery } from './recent-messages';
import { PauseResumeButton } from './pause-button';
import { SchemaFiles, schemaQuery } from './schema-files';
import { listenerHref, messagesToHref } from '@/lib/hrefs';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { codeHint } from '../dead-letters/code-hints';

/** What is this listener's contract, and how is it doing? Facts, limits, XSD, elements, example, messages. */
export function ListenerPage({ name }: { name: string }) {
  const trpc = useTRPC();
  const listeners = useLiveListeners();
  // What the panels below show needs only the name: asked for with the listener list, in the same request,
  // instead of once it has come back (one round trip less before the page is usable).
  usePrefetchQuery(schemaQuery(trpc, name));
  usePrefetchQuery(elementsQuery(trpc, name));
  usePrefetchQuery(recentMessagesQuery(trpc, name));
  if (listeners.error && !listeners.data)
    return (
      <Panel title="Listener">
        <p className="text-sm">{describeError(listeners.error)}</p>
      </Panel>
    );
  if (!listeners.data)
    return (
      <div className="max-w-7xl space-y-4">
        {/* The name is known from the address: the title shows at once, its state as it comes. */}
        <header className="flex items-center gap-3">
          <h1 className="text-xl font-semibold">{name}</h1>
          <Skeleton className="h-6 w-20" />
        </header>
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-96 w-full" />
      </div>
    );
  const l = listeners.data.find((x) => x.name === name);
  if (!l)
    return (
      <Missing title="Listener" href="/listeners" label="All listeners">
        No listener {name} in this organism: a reload may have removed it.
      </Missing>
    );
  return (
    <div className="max-w-7xl space-y-4">
      <Header l={l} />
      <LastKnownNote what="state and counts" />
      {l.paused && <PausedNotice l={l} paused={l.paused} />}
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="Limits">
          <Facts
            rows={[
              ['Timeout', formatDuration(l.timeoutMs)],
              ['Concurrency', `${formatCount(l.concurrency)} at once`],
              ['In flight now', `${formatCount(l.inFlight)} of ${formatCount(l.concurrency)}`],
            ]}
          />
        </Panel>
        <Panel title="Retry policy">
          <Facts
            rows={[
              [
                'Attempts',
                l.retry.maxAttempts === 1 ? '1 (no retry)' : `up to ${formatCount(l.retry.maxAttempts)}`,
              ],
              [
                'Backoff',
                l.retry.maxAttempts === 1
                  ? '—'
                  : `${formatDuration(l.retry.initialDelayMs)} doubling, at most ${formatDuration(l.retry.maxDelayMs)}`,
              ],
              ['Then', 'dead letter (FAILED); the sender gets a SystemError'],
            ]}
          />
        </Panel>
        <Panel title="Peers">
          <Peers l={l} />
        </Panel>
      </div>
      {l.lastError && l.failed > 0 && <LastFailure l={l} lastError={l.lastError} />}
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Panel title="Contract (XSD)" className="min-w-0">
          <SchemaFiles name={l.name} />
        </Panel>
        <Panel title="Elements" className="min-w-0">
          <ContractElements name={l.name} />
        </Panel>
      </div>
      <Panel title={l.roots.length > 1 ? 'Example instances' : 'Example instance'}>
        <ExampleInstances name={l.name} roots={l.roots} />
      </Panel>
      <Panel
        title="Recent messages"
        actions={
          <Link
            href={messagesToHref(l.name)}
            className="flex items-center gap-1 text-xs text-accent hover:underline"
          >
            All messages to {l.name} <ArrowRight className="size-3" aria-hidden />
          </Link>
        }
      >
        <RecentMessages name={l.name} />
      </Panel>
    </div>
  );
}

function Header({ l }: { l: ListenerInfo }) {
  return (
    <header className="space-y-1">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{l.name}</h1>
        <ListenerStateBadge state={l.state} />
        {l.agent && <Tag>agent</Tag>}
        {l.system && <Tag>system</Tag>}
        <span className="ml-auto flex items-center gap-3">
          <Link
            href={searchHref({ to: l.name })}
            className="flex items-center gap-1.5 text-sm text-accent hover:underline"
          >
            <TextSearch className="size-4" aria-hidden /> Search payloads
          </Link>
          <Link
            href={`/map?focus=${encodeURIComponent(l.name)}`}
            className="flex items-center gap-1.5 text-sm text-accent hover:underline"
          >
            <Waypoints className="size-4" aria-hidden /> On the map
          </Link>
          <PauseResumeButton l={l} />
        </span>
      </div>
      <p className="flex flex-wrap items-center gap-x-2 text-sm text-muted">
        <span>
          accepts{' '}
          {l.roots.map((r, i) => (
            <span key={r}>
              {i > 0 && ', '}
              <span className="font-mono text-xs text-text" title={r}>
                &lt;{splitRoot(r).local}&gt;
              </span>
            </span>
          ))}
          {l.filter && (
            <>
              {' '}
              where{' '}
              <code
                className="font-mono text-xs text-text"
                title="Its filter: a message reaches it only when this XPath is true of the payload"
                data-testid="listener-filter"
              >
                {l.filter}
              </code>
            </>
          )}
        </span>
        <Dot />
        <span>
          <span className="tabular text-text">{formatCount(l.received)}</span> received
        </span>
        <Dot />
        <span>
          <span className={`tabular ${l.failed > 0 ? 'text-failed' : 'text-text'}`}>
            {formatCount(l.failed)}
          </span>{' '}
          failed {plural(l.failed, 'attempt')}
          {l.lastFailedAt !== null && (
            <>
              , the last <TimeAgo at={l.lastFailedAt} />
            </>
          )}
        </span>
        <Dot />
        <span>
          <span className="tabular text-text">{formatCount(l.inFlight)}</span> in flight
        </span>
        <Dot />
        <span>
          <span className="tabular text-text">{formatCount(l.queued)}</span> waiting
        </span>
        <Dot />
        <span>last activity {l.lastActivityAt ? <TimeAgo at={l.lastActivityAt} /> : 'never'}</span>
        <Dot />
        <span className="font-mono text-xs">{l.schema}</span>
        {l.isolate === 'worker' && (
          <>
            <Dot />
            <span title="isolate: worker: its handler runs in worker threads, ended at its timeout">
              in worker threads
            </span>
          </>
        )}
        {l.definedIn && (
          <>
            <Dot />
            <span title="The included YAML file that declares this listener">
              declared in <span className="font-mono text-xs text-text">{l.definedIn}</span>
            </span>
          </>
        )}
      </p>
      {l.description && <p className="pt-1 text-sm">{l.description}</p>}
    </header>
  );
}

/**
 * The listener's last failed attempt as a failure reads everywhere: its code as a badge, the engine's
 * words, when, what to try, and where its failed messages are. The engine says it as "CODE: message".
 */
function LastFailure({ l, lastError }: { l: ListenerInfo; lastError: string }) {
  const [, code = null, words = lastError] = /^([A-Z][A-Z_]+): ([\s\S]*)$/.exec(lastError) ?? [];
  const hint = codeHint(code, false);
  return (
    <section
      aria-label="Last failure"
      className="space-y-1 rounded-lg border border-failed/40 bg-failed/5 px-4 py-2.5 text-sm"
    >
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium text-failed">Last failure</span>
        <ErrorCodeBadge code={code} />
        <span className="min-w-0 flex-1 truncate" title={words}>
          {words}
        </span>
        {l.lastFailedAt !== null && (
          <span className="text-xs text-muted">
            <TimeAgo at={l.lastFailedAt} />
          </span>
        )}
        <Link href={messagesToHref(l.name, 'FAILED')} className="text-accent hover:underline">
          Failed messages to {l.name}
        </Link>
      </p>
      {hint && <p className="text-xs text-muted">{hint}</p>}
    </section>
  );
}

/** Why nothing is moving: who paused it, when, and what waits. */
function PausedNotice({ l, paused }: { l: ListenerInfo; paused: { by: string; at: number } }) {
  return (
    <section
      aria-label="Paused"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-panel-2 px-4 py-2.5 text-sm"
    >
      <span className="font-medium">Paused</span>
      <span className="text-muted">
        by {paused.by} <TimeAgo at={paused.at} />. Messages to {l.name} are accepted and wait PENDING in the
        journal ({formatCount(l.queued)} now); resuming sends them out in order.
      </span>
      <Link href={messagesToHref(l.name, 'PENDING')} className="ml-auto text-accent hover:underline">
        Waiting messages
      </Link>
    </section>
  );
}

function Peers({ l }: { l: ListenerInfo }) {
  if (!l.agent)
    return (
      <p className="text-sm text-muted">
        Not an agent: its handler may forward to any listener. Agents list the peers they may reach.
      </p>
    );
  if (l.peers.length === 0)
    return <p className="text-sm text-muted">An agent with no peers: it may only reply to its caller.</p>;
  return (
    <div className="space-y-2 text-sm">
      <p className="text-muted">An agent: it may forward only to</p>
      <ul className="flex flex-wrap gap-2">
        {l.peers.map((p) => (
          <li key={p}>
            <Link
              href={listenerHref(p)}
              className="inline-flex h-7 items-center rounded-md border border-border px-2 font-mono text-xs text-accent hover:bg-panel-2"
            >
              {p}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted">{k}</dt>
          <dd className="tabular">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Tag({ children }: { children: ReactNode }) {
  return <span className="rounded bg-panel-2 px-1.5 py-0.5 text-xs font-medium text-muted">{children}</span>;
}

function Dot() {
  return (
    <span aria-hidden className="text-border">
      ·
    </span>
  );
}
