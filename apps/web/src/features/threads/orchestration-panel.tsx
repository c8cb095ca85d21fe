'use client';
import type { inferRouterOutputs } from '@trpc/server';
import { useQuery } from '@tanstack/react-query';
import { ArrowRight, Check, CircleHelp, Clock, LoaderCircle, Minus, X } from 'lucide-react';
import type { LucideIcon } from 'lucide-react';
import Link from 'next/link';
import { TimeUntil } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { describeError } from '@/lib/engine-error';
import { formatCount, shortId } from '@/lib/format';
import type { AppRouter } from '@organism/engine';
import { useTRPC } from '@/lib/trpc';
import { IdLink } from '@/components/id-link';

type Run = inferRouterOutputs<AppRouter>['threads']['orchestrations'][number];
type StepState = Extract<Run, { kind: 'sequence' }>['steps'][number]['state'];
type ItemState = Extract<Run, { kind: 'buffer' }>['items'][number]['state'];

/** The state colours of CONSOLE.md: done as ACKED, running as DISPATCHED, failed as FAILED, the rest muted. */
const TONE: Record<StepState | ItemState, string> = {
  done: 'border-acked/40 bg-acked/10 text-acked',
  succeeded: 'border-acked/40 bg-acked/10 text-acked',
  running: 'border-dispatched/40 bg-dispatched/10 text-dispatched',
  failed: 'border-failed/40 bg-failed/10 text-failed',
  missing: 'border-failed/40 bg-failed/10 text-failed',
  waiting: 'border-border text-muted',
  skipped: 'border-border text-muted line-through',
};

/** Colour is never the only signal (CONSOLE.md): each state has its icon too, and its word on hover. */
const ICON: Record<StepState | ItemState, LucideIcon> = {
  done: Check,
  succeeded: Check,
  running: LoaderCircle,
  failed: X,
  missing: CircleHelp,
  waiting: Clock,
  skipped: Minus,
};

/** A step's or an item's state: its icon (hidden from screen readers, which hear the word). */
function StateIcon({ state }: { state: StepState | ItemState }) {
  const Icon = ICON[state];
  return <Icon className="size-3 shrink-0" aria-hidden />;
}

/**
 * The sequences and buffers started in this thread (docs/orchestration.md), each with where it stands:
 * a sequence's steps in order, a buffer's items with their own threads. Refreshes while one runs.
 */
export function OrchestrationPanel({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const runs = useQuery(
    trpc.threads.orchestrations.queryOptions(
      { id: threadId },
      { refetchInterval: (q) => (q.state.data?.some((r) => r.status === 'running') ? 2_000 : false) },
    ),
  );
  // Most threads start none: the panel shows only for those that do, or when they could not be read.
  if (!runs.data && runs.error)
    return (
      <Panel title="Sequences and buffers">
        <p className="text-sm text-failed">{describeError(runs.error)}</p>
      </Panel>
    );
  if (!runs.data || runs.data.length === 0) return null;
  return (
    <Panel title="Sequences and buffers">
      <ul className="space-y-4" aria-label="Sequences and buffers">
        {runs.data.map((r) => (
          <li key={r.id}>{r.kind === 'sequence' ? <SequenceRun run={r} /> : <BufferRun run={r} />}</li>
        ))}
      </ul>
    </Panel>
  );
}

function Heading({ run, what, children }: { run: Run; what: string; children?: React.ReactNode }) {
  return (
    <p className="mb-2 flex flex-wrap items-center gap-x-2 text-sm">
      <span className="font-medium">{what}</span>
      <IdLink id={run.id} href={`/messages/${run.id}`} />
      <span className={run.status === 'running' ? 'text-dispatched' : 'text-muted'}>
        {run.status === 'running' ? 'running' : 'ended'}
      </span>
      {children}
      <span className="text-muted">
        · result to <span className="font-mono text-xs text-text">{run.returnTo}</span>
      </span>
      {run.status === 'running' && run.deadline !== null && (
        <span className="text-muted">
          · deadline <TimeUntil at={run.deadline} />
        </span>
      )}
    </p>
  );
}

function SequenceRun({ run }: { run: Extract<Run, { kind: 'sequence' }> }) {
  const at = run.steps.findIndex((s) => s.state === 'running' || s.state === 'failed');
  return (
    <>
      <Heading run={run} what="Sequence">
        <span className="text-muted">
          · {at >= 0 ? `step ${at + 1} of ${run.steps.length}` : `${run.steps.length} steps`}
        </span>
      </Heading>
      <ol className="flex flex-wrap items-center gap-1.5" aria-label={`Steps of sequence ${shortId(run.id)}`}>
        {run.steps.map((s, i) => (
          <li key={i} className="flex items-center gap-1.5">
            {i > 0 && <ArrowRight className="size-3.5 text-muted" aria-hidden />}
            <span
              className={`inline-flex items-center gap-1 rounded border px-2 py-0.5 font-mono text-xs ${TONE[s.state]}`}
              title={s.state}
            >
              <StateIcon state={s.state} />
              {s.name}
              <span className="sr-only"> ({s.state})</span>
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function BufferRun({ run }: { run: Extract<Run, { kind: 'buffer' }> }) {
  const count = (state: ItemState): number => run.items.filter((i) => i.state === state).length;
  const answered = run.items.length - count('running') - count('waiting');
  return (
    <>
      <Heading run={run} what="Buffer">
        <span className="text-muted">
          · to <span className="font-mono text-xs text-text">{run.target}</span> · {formatCount(answered)} of{' '}
          {formatCount(run.items.length)} answered
          {count('failed') > 0 && (
            <span className="text-failed"> · {formatCount(count('failed'))} failed</span>
          )}
          {count('missing') > 0 && (
            <span className="text-failed"> · {formatCount(count('missing'))} missing</span>
          )}{' '}
          · at most {formatCount(run.concurrency)} at once{run.collect ? '' : ' · not collected'}
        </span>
      </Heading>
      <ol className="flex flex-wrap gap-1.5" aria-label={`Items of buffer ${shortId(run.id)}`}>
        {run.items.map((item, i) => {
          const chip = (
            <span
              className={`inline-flex items-center gap-1 rounded border px-2 py-0.5 font-mono text-xs ${TONE[item.state]}`}
            >
              <StateIcon state={item.state} />#{i}
              <span className="sr-only"> {item.state}</span>
            </span>
          );
          return (
            <li key={i} title={`item ${i}: ${item.state}${item.thread ? ` (thread ${item.thread})` : ''}`}>
              {item.thread ? (
                <Link href={`/threads/${item.thread}`} prefetch={false} className="hover:opacity-80">
                  {chip}
                </Link>
              ) : (
                chip
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}
