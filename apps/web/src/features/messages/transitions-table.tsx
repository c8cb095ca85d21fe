import type { Transition } from '@organism/shared';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { stickyHead } from '@/components/ui/sticky-head';
import { formatCount, formatDuration } from '@/lib/format';
import { isRejectionTransition } from '@/lib/outcome';

/**
 * A message's journal transitions, oldest first, with the time each step took. Its header stays in view under
 * the top bar, or at the top of the box it scrolls in (`within`).
 */
export function TransitionsTable({
  transitions,
  within = 'page',
}: {
  transitions: Transition[];
  within?: 'page' | 'box';
}) {
  if (transitions.length === 0) return <p className="text-sm text-muted">No transitions recorded.</p>;
  return (
    <table className="w-full table-fixed text-sm">
      <thead className={stickyHead(within)}>
        <tr>
          <th className="w-16 h-8 font-medium">seq</th>
          <th className="w-28 h-8 font-medium">state</th>
          <th className="w-16 pr-3 h-8 text-right font-medium">attempt</th>
          <th className="h-8 font-medium">code · detail</th>
          <th className="w-20 h-8 text-right font-medium">after</th>
          <th className="w-24 h-8 text-right font-medium">at</th>
        </tr>
      </thead>
      <tbody>
        {transitions.map((t, i) => {
          const prev = transitions[i - 1];
          // Refused input is recorded FAILED before any attempt: it reads as what the page says it is.
          const rejected = isRejectionTransition(t);
          return (
            <tr key={t.seq} className="h-8 border-b border-border last:border-0">
              <td className="tabular font-mono text-xs text-muted">{formatCount(t.seq)}</td>
              <td>
                {t.state === 'DISCARDED' ? (
                  <span className="text-xs font-medium">DISCARDED</span>
                ) : (
                  <StateBadge state={rejected ? 'REJECTED' : t.state} />
                )}
              </td>
              <td className="tabular pr-3 text-right">
                {rejected ? <span className="text-muted">—</span> : t.attempt}
              </td>
              <td
                className="truncate"
                title={[t.errorCode, t.detail].filter(Boolean).join(': ') || undefined}
              >
                {t.errorCode && <span className="mr-2 font-mono text-xs">{t.errorCode}</span>}
                <span className="text-muted">{t.detail ?? ''}</span>
              </td>
              <td className="tabular text-right text-muted">{prev ? formatDuration(t.at - prev.at) : ''}</td>
              <td className="text-right text-muted">
                <TimeAgo at={t.at} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
