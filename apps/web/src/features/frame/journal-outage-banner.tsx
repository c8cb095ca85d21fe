'use client';
import type { AppRouter } from '@organism/engine';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { DatabaseZap } from 'lucide-react';
import { TimeAgo } from '@/components/time-ago';
import { formatClock } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

/** Why and since when the journal cannot write, as `organism.status` says it. */
export type JournalOutage = NonNullable<inferRouterOutputs<AppRouter>['organism']['status']['journalOutage']>;

/**
 * Says on every page that the journal cannot write: the engine runs and answers, but refuses producers
 * (503 JOURNAL_UNAVAILABLE) and every change (a retry, a send, a save) until a write works again. The
 * stream's `journal.unavailable` and `journal.available` events refresh the status it reads at once.
 */
export function JournalOutageBanner() {
  const trpc = useTRPC();
  const outage = useQuery(trpc.organism.status.queryOptions(undefined, { refetchInterval: 15_000 })).data
    ?.journalOutage;
  return outage ? <JournalOutageNotice outage={outage} /> : null;
}

export function JournalOutageNotice({ outage }: { outage: JournalOutage }) {
  return (
    <div
      role="alert"
      className="flex items-start gap-2 border-b border-failed/40 bg-failed/10 px-6 py-2 text-sm text-text"
    >
      <DatabaseZap className="mt-0.5 size-4 shrink-0 text-failed" aria-hidden />
      <p>
        <span className="font-medium">The journal cannot write</span> since {formatClock(outage.since)} (
        <TimeAgo at={outage.since} />
        ): <span className="font-mono text-xs">{outage.reason}</span>. Producers are refused with 503
        JOURNAL_UNAVAILABLE, and retries, sends and saves fail, until a write works again: the engine tries
        one every second and opens intake by itself. Nothing accepted before is lost.
      </p>
    </div>
  );
}
