'use client';
import type { EngineSummary, SharedConfigSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { stickyHead } from '@/components/ui/sticky-head';
import { formatCountOf, shortId } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

/** An engine's state in the journal states' look: running ok (green), stopped neutral (grey), dead failed (red). */
const LOOK = { running: 'ACKED', stopped: 'PENDING', dead: 'FAILED' } as const;
/** A stopped or dead engine whose last heartbeat is older than this is hidden until asked for. */
const OLD_MS = 3_600_000;

/**
 * The engines sharing this organism's journal (PostgreSQL), polled: heartbeats move without any message
 * passing. Nothing at all when the journal is this engine's alone, so a single engine looks as it always did.
 */
export function EnginesPanel() {
  const trpc = useTRPC();
  const engines = useQuery(trpc.organism.engines.queryOptions(undefined, { refetchInterval: 5_000 }));
  if (!engines.data?.shared) return null;
  return <EnginesTable engines={engines.data.engines} config={engines.data.config} />;
}

/**
 * One row per engine, running first as the engine lists them; the one answering is marked. Each says the
 * configuration version it runs: a running engine behind the newest is flagged, and one that cannot run
 * it says why.
 */
export function EnginesTable({
  engines,
  config = null,
}: {
  engines: EngineSummary[];
  config?: SharedConfigSummary | null;
}) {
  const running = engines.filter((e) => e.state === 'running').length;
  const [all, setAll] = useState(false);
  // Engines that ended long ago are history: listed on request only.
  const recent = engines.filter((e) => e.state === 'running' || Date.now() - e.heartbeatAt < OLD_MS);
  const shown = all ? engines : recent;
  const hidden = engines.length - recent.length;
  return (
    <Panel
      id="engines"
      title="Engines"
      actions={
        <span className="tabular text-xs text-muted">
          {running} of {engines.length} running
          {config && (
            <>
              {' · config '}
              <span className="font-mono">{config.version}</span> by {config.actor} <TimeAgo at={config.at} />
            </>
          )}
        </span>
      }
    >
      <table className="w-full text-sm">
        <thead className={stickyHead()}>
          <tr>
            <th className="h-8 font-medium">state</th>
            <th className="h-8 font-medium">engine</th>
            <th className="h-8 font-medium">process</th>
            <th className="h-8 font-medium">address</th>
            <th className="h-8 text-right font-medium">started</th>
            <th className="h-8 text-right font-medium">last heartbeat</th>
            <th className="h-8 pl-4 font-medium">runs</th>
            <th className="h-8 pl-4 font-medium">config</th>
            <th className="h-8 pl-4 font-medium">work</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr
              key={e.id}
              className={`h-8 border-b border-border last:border-0 ${e.self ? 'bg-accent/10' : ''}`}
            >
              <td>
                {e.state === 'running' && e.restarting ? (
                  <StateBadge state="DISPATCHED" label="restarting" />
                ) : (
                  <StateBadge state={LOOK[e.state]} label={e.state} />
                )}
              </td>
              <td>
                <span className="inline-flex items-center gap-2">
                  <IdLink id={e.id} />
                  {e.self && <span className="text-xs font-medium text-accent">this engine</span>}
                </span>
              </td>
              <td className="font-mono text-xs">
                {e.pid}@{e.host}
              </td>
              <td>
                {e.address ? (
                  <a href={e.address} className="font-mono text-xs text-accent hover:underline">
                    {e.address}
                  </a>
                ) : (
                  <span className="text-xs text-muted" title="not serving HTTP (yet)">
                    —
                  </span>
                )}
              </td>
              <td className="text-right text-muted">
                <TimeAgo at={e.startedAt} />
              </td>
              <td className="text-right text-muted">
                <TimeAgo at={e.heartbeatAt} />
              </td>
              <td className="max-w-48 truncate pl-4 text-xs" title={e.listeners?.join(', ')}>
                {e.listeners === null ? (
                  <span className="text-muted">every listener</span>
                ) : (
                  e.listeners.join(', ')
                )}
              </td>
              <td className="pl-4 text-xs">
                <ConfigCell engine={e} newest={config?.version} />
              </td>
              <td className="pl-4 text-xs text-muted">
                {e.state !== 'running' && e.adoptedBy && (
                  <span title={e.adoptedBy}>
                    work adopted by <span className="font-mono">{shortId(e.adoptedBy)}</span>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 && (
        <button
          type="button"
          className="mt-2 text-xs text-accent hover:underline"
          onClick={() => setAll((v) => !v)}
        >
          {all
            ? 'Hide engines that ended over an hour ago'
            : `Show ${formatCountOf(hidden, 'engine')} that ended over an hour ago`}
        </button>
      )}
    </Panel>
  );
}

/** The version an engine runs; for a running one, whether it is the newest, and why not. */
function ConfigCell({ engine, newest }: { engine: EngineSummary; newest: string | undefined }) {
  if (!engine.configVersion) return <span className="text-muted">—</span>;
  const version = <span className="font-mono">{engine.configVersion}</span>;
  if (engine.state !== 'running' || newest === undefined || engine.configVersion === newest)
    return <span className="text-muted">{version}</span>;
  if (engine.configError)
    return (
      <span className="block max-w-md truncate text-failed" title={engine.configError}>
        {version} · cannot run {newest}: {engine.configError.replace(/^cannot run \S+: /, '')}
      </span>
    );
  return (
    <span className="text-rejected">
      {version} · behind {newest}
    </span>
  );
}
