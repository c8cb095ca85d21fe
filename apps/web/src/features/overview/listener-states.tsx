'use client';
import Link from 'next/link';
import { ListenerStateDot } from '@/components/listener-state-badge';
import { ListError } from '@/components/list-error';
import { SkeletonRows } from '@/components/ui/skeleton';
import { stickyHead } from '@/components/ui/sticky-head';
import { formatCount } from '@/lib/format';
import { useLiveListeners } from '@/lib/live-listeners';

/**
 * Every listener with its state, received and failed counts since start: live, from the figures the engine
 * pushes each second, as the Listeners page and the map show them (polled every 5 s, the two pages
 * disagreed on a listener whose state changes often, error and idle).
 */
export function ListenerStates() {
  const listeners = useLiveListeners();
  if (!listeners.data) return listeners.error ? <ListError error={listeners.error} /> : <SkeletonRows />;
  const user = listeners.data.filter((l) => !l.system);
  return (
    <table className="w-full text-sm">
      <thead className={stickyHead()}>
        <tr>
          <th className="h-7 font-medium">listener</th>
          <th className="h-7 pl-3 text-right font-medium">received</th>
          <th
            className="h-7 pl-3 text-right font-medium"
            title="Failed attempts: every try that failed counts, so a message retried three times before it became a dead letter counts four."
          >
            failed
          </th>
        </tr>
      </thead>
      <tbody>
        {user.map((l) => (
          <tr key={l.name} className="h-7">
            <td className="flex items-center gap-2 pt-1.5">
              <ListenerStateDot state={l.state} />
              <Link href={`/listeners/${encodeURIComponent(l.name)}`} className="truncate hover:underline">
                {l.name}
              </Link>
              {/* Colour is never alone: a state other than idle says its word (idle, the usual, stays quiet). */}
              {l.state === 'idle' ? (
                <span className="sr-only">(idle)</span>
              ) : (
                <span className={`shrink-0 text-xs ${l.state === 'error' ? 'text-failed' : 'text-muted'}`}>
                  {l.state}
                </span>
              )}
            </td>
            <td className="tabular pl-3 text-right">{formatCount(l.received)}</td>
            <td className={`tabular pl-3 text-right ${l.failed > 0 ? 'text-failed' : ''}`}>
              {formatCount(l.failed)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
