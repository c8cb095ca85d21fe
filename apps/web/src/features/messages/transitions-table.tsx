import type { Transition } from '@organism/shared';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { formatCount, formatDuration } from '@/lib/format';
import { isRejectionTransition } from '@/lib/outcome';

/** A message's journal transitions, oldest first, with the time each step took. */
export function TransitionsTable({ transitions }: { transitions: Transition[] }) {
  if (transitions.length === 0) return <p className="text-sm text-muted">No transitions recorded.</p>;
  return (
    <table className="w-full table-fixed text-sm">
      <thead className="text-left text-xs text-muted">
        <tr>
          <th className="w-16 pb-2 font-medium">seq</th>
          <th className="w-28 pb-2 font-medium">state</th>
          <th className="w-16 pr-3 pb-2 text-right font-medium">attempt</th>
          <th className="pb-2 font-medium">code · detail</th>
          <th className="w-20 pb-2 text-right font-medium">after</th>
          <th className="w-24 pb-2 text-right font-medium">at</th>
        </tr>
      </thead>
      <tbody>
        {transitions.map((t, i) => {
          const prev = transitions[i - 1];
          // Refused input is recorded FAILED before any attempt: it reads as what the page says it is.
          const rejected = isRejectionTransition(t);
          return (
            <tr key={t.seq} className="h-8 border-t border-border">
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
