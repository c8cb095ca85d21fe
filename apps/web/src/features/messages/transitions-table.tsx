import type { Transition } from '@organism/shared';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { formatDuration } from '@/lib/format';

/** A message's journal transitions, oldest first, with the time each step took. */
export function TransitionsTable({ transitions }: { transitions: Transition[] }) {
  if (transitions.length === 0) return <p className="text-sm text-muted">No transitions recorded.</p>;
  return (
    <table className="w-full text-sm">
      <thead className="text-left text-xs text-muted">
        <tr>
          <th className="pb-2 font-medium">seq</th>
          <th className="pb-2 font-medium">state</th>
          <th className="pb-2 font-medium">attempt</th>
          <th className="pb-2 font-medium">code</th>
          <th className="pb-2 font-medium">detail</th>
          <th className="pb-2 text-right font-medium">after</th>
          <th className="pb-2 text-right font-medium">at</th>
        </tr>
      </thead>
      <tbody>
        {transitions.map((t, i) => {
          const prev = transitions[i - 1];
          return (
            <tr key={t.seq} className="h-8 border-t border-border">
              <td className="tabular font-mono text-xs text-muted">{t.seq}</td>
              <td>
                {t.state === 'DISCARDED' ? (
                  <span className="text-xs font-medium">DISCARDED</span>
                ) : (
                  <StateBadge state={t.state} />
                )}
              </td>
              <td className="tabular">{t.attempt}</td>
              <td className="font-mono text-xs">{t.errorCode ?? ''}</td>
              <td className="max-w-md truncate text-muted" title={t.detail ?? undefined}>
                {t.detail ?? ''}
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
