'use client';
import Link from 'next/link';
import { TimeAgo } from '@/components/time-ago';
import { listenerHref } from '@/lib/hrefs';
import { useLiveListeners } from '@/lib/live-listeners';
import { PauseResumeButton } from './pause-button';

/**
 * Why a message waits, when the listener it goes to is paused: who paused it and when, that it goes out
 * once resumed, and (for an operator) Resume. Nothing while the listener runs. `sending`: said before a
 * message is sent (the composer) rather than of one that waits.
 */
export function PausedRecipient({ to, sending = false }: { to: string; sending?: boolean }) {
  const listeners = useLiveListeners();
  const l = listeners.data?.find((x) => x.name === to);
  if (!l?.paused) return null;
  return (
    <section
      aria-label="Listener paused"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-panel-2 px-4 py-2.5 text-sm"
    >
      <span className="font-medium">{sending ? 'Paused' : 'Waiting'}</span>
      <span className="min-w-0 text-muted">
        <Link href={listenerHref(to)} className="text-accent hover:underline">
          {to}
        </Link>{' '}
        was paused by {l.paused.by} <TimeAgo at={l.paused.at} />:{' '}
        {sending ? 'what you send waits' : 'this message waits'} PENDING until it is resumed, then goes out in
        order.
      </span>
      <span className="ml-auto">
        <PauseResumeButton l={l} />
      </span>
    </section>
  );
}
