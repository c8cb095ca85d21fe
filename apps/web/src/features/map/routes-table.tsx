'use client';
import { ArrowRight } from 'lucide-react';
import Link from 'next/link';
import { TimeAgo } from '@/components/time-ago';
import { formatCount, formatRate } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { messagesOnRoute } from './organism-map';
import type { RouteStats } from '@organism/shared';

/** The map as text: every route, busiest first, each a link to its messages. */
export function RoutesTable({ routes, listeners }: { routes: RouteStats[]; listeners: ListenerInfo[] }) {
  if (routes.length === 0)
    return (
      <p className="text-sm text-muted">
        No routes yet: they appear as messages flow between producers and listeners.
      </p>
    );
  const names = new Set(listeners.map((l) => l.name));
  const sorted = [...routes].sort(
    (a, b) => b.perSecond - a.perSecond || b.count - a.count || a.from.localeCompare(b.from),
  );
  const end = (name: string) =>
    names.has(name) ? (
      <Link href={`/listeners/${encodeURIComponent(name)}`} className="hover:underline">
        {name}
      </Link>
    ) : (
      <span className="text-muted" title="outside producer">
        {name}
      </span>
    );
  return (
    <table className="w-full table-fixed text-sm">
      <colgroup>
        <col />
        <col />
        <col className="w-24" />
        <col className="w-28" />
        <col className="w-24" />
        <col className="w-28" />
        <col className="w-24" />
      </colgroup>
      <thead className="text-left text-xs text-muted">
        <tr className="h-8 border-b border-border">
          <th scope="col" className="font-medium">
            From
          </th>
          <th scope="col" className="font-medium">
            To
          </th>
          <th scope="col" className="text-right font-medium">
            Rate (10 s)
          </th>
          <th scope="col" className="text-right font-medium">
            Messages
          </th>
          <th scope="col" className="text-right font-medium">
            Failed
          </th>
          <th scope="col" className="text-right font-medium">
            Last
          </th>
          <th scope="col" className="text-right font-medium">
            <span className="sr-only">Messages on the route</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={`${r.from}>${r.to}`} className="h-8 border-b border-border last:border-0">
            <td className="truncate">{end(r.from)}</td>
            <td className="truncate">
              <span className="flex items-center gap-2">
                <ArrowRight className="size-3.5 shrink-0 text-muted" aria-label="to" />
                {end(r.to)}
              </span>
            </td>
            <td className="tabular text-right">{formatRate(r.perSecond)}</td>
            <td className="tabular text-right">{formatCount(r.count)}</td>
            <td className={`tabular text-right ${r.failed > 0 ? 'font-medium text-failed' : ''}`}>
              {formatCount(r.failed)}
            </td>
            <td className="text-right text-muted">
              <TimeAgo at={r.lastAt} />
            </td>
            <td className="text-right">
              <Link
                href={messagesOnRoute(r.from, r.to)}
                className="text-xs text-accent hover:underline"
                aria-label={`messages from ${r.from} to ${r.to}`}
              >
                messages
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
