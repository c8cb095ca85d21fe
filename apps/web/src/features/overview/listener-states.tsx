'use client';
import { useQuery } from '@tanstack/react-query';
import { SkeletonRows } from '@/components/ui/skeleton';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const STATE_LOOK: Record<string, string> = {
  idle: 'bg-pending',
  processing: 'bg-dispatched animate-pulse',
  paused: 'bg-[repeating-linear-gradient(45deg,var(--pending)_0_2px,transparent_2px_4px)]',
  error: 'bg-failed',
};

/** Every listener with its state, received and failed counts since start. */
export function ListenerStates() {
  const trpc = useTRPC();
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  if (!listeners.data) return <SkeletonRows />;
  const user = listeners.data.filter((l) => !l.system);
  return (
    <table className="w-full text-sm">
      <thead className="text-left text-xs text-muted">
        <tr>
          <th className="pb-1 font-medium">listener</th>
          <th className="pb-1 text-right font-medium">received</th>
          <th className="pb-1 text-right font-medium">failed</th>
        </tr>
      </thead>
      <tbody>
        {user.map((l) => (
          <tr key={l.name} className="h-7">
            <td className="flex items-center gap-2 pt-1.5">
              <span aria-hidden className={`size-2 rounded-full ${STATE_LOOK[l.state] ?? 'bg-pending'}`} />
              <span className="truncate">{l.name}</span>
              <span className="sr-only">({l.state})</span>
            </td>
            <td className="tabular text-right">{formatCount(l.received)}</td>
            <td className={`tabular text-right ${l.failed > 0 ? 'text-failed' : ''}`}>
              {formatCount(l.failed)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
