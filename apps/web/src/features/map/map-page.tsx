'use client';
import { parseAsString, parseAsStringLiteral, useQueryState } from 'nuqs';
import Link from 'next/link';
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LastKnownNote, useEngineAway } from '@/components/last-known-note';
import { Panel } from '@/components/ui/panel';
import { Segmented } from '@/components/ui/segmented';
import { Skeleton } from '@/components/ui/skeleton';
import { useNow } from '@/components/time-ago';
import { describeError } from '@/lib/engine-error';
import { formatAgo, formatCount, formatCountOf, formatRate } from '@/lib/format';
import { useLiveListeners, useLiveRoutes } from '@/lib/live-listeners';
import { useTRPC } from '@/lib/trpc';
import { buildMapModel } from './graph-model';
import { isBusy } from './layout';
import { MapLegend } from './map-legend';
import { OrganismMap } from './organism-map';
import { RoutesTable } from './routes-table';

/** The windows of routes the map offers (`?window=`): the last five minutes are pushed, the others read. */
const WINDOWS = [
  { value: '5m', label: '5 min', seconds: 300 },
  { value: '15m', label: '15 min', seconds: 900 },
  { value: '1h', label: '1 h', seconds: 3600 },
] as const;
type RouteWindow = (typeof WINDOWS)[number];
const WINDOW_OPTIONS = WINDOWS.map((w) => ({
  value: w.value,
  label: w.label,
  title: `The routes messages took in the last ${w.label}`,
}));

/**
 * Over which time the routes count, as said after "3 routes": the window, or since the engine started
 * when that was later (an engine started 2 minutes ago has no routes of the hour before).
 */
function windowPhrase(w: RouteWindow, since: number | undefined, now: number): string {
  return since !== undefined && since > now - w.seconds * 1000 + 5_000
    ? `since the engine started ${formatAgo(since, now)}`
    : `in the last ${w.label}`;
}

/** What talks to what? Listeners and producers as boxes, the routes messages took as lines, live. */
export function MapPage() {
  const [focus] = useQueryState('focus', parseAsString);
  const [windowKey, setWindowKey] = useQueryState(
    'window',
    parseAsStringLiteral(WINDOWS.map((w) => w.value)).withDefault('5m'),
  );
  const routeWindow = WINDOWS.find((w) => w.value === windowKey) ?? WINDOWS[0];
  const listeners = useLiveListeners();
  const routes = useLiveRoutes(routeWindow.seconds);
  const now = useNow();
  const over = windowPhrase(routeWindow, routes.since, now);
  const model = useMemo(
    () => (listeners.data && routes.data ? buildMapModel(listeners.data, routes.data) : undefined),
    [listeners.data, routes.data],
  );
  const trpc = useTRPC();
  const cluster = useQuery(trpc.organism.engines.queryOptions(undefined, { refetchInterval: 15_000 }));
  const engines = cluster.data?.shared ? cluster.data.engines.filter((e) => e.state === 'running') : [];
  const error = (!listeners.data && listeners.error) || (!routes.data && routes.error);
  const shown = model?.nodes.filter((n) => n.kind === 'listener') ?? [];
  // The engine's own system.* listeners are boxes only while messages of the window reached them
  // (system.boot's one message at start, say): counted apart, so that the organism's own count does not
  // change when one of them leaves the window.
  const systemCount = shown.filter((n) => n.kind === 'listener' && n.listener.system).length;
  const listenerCount = shown.length - systemCount;
  const producerCount = model ? model.nodes.length - shown.length : 0;
  const systemNote = systemCount > 0 ? ` + ${formatCount(systemCount)} system` : '';
  const systemLabel =
    systemCount > 0 ? ` and ${formatCountOf(systemCount, 'system listener')} that messages reached` : '';
  const rate = model?.routes.reduce((n, r) => n + r.perSecond, 0) ?? 0;
  const failing = model?.routes.filter((r) => r.failed > 0).length ?? 0;
  const stale = useEngineAway();
  const label = `Map of the organism: ${formatCountOf(listenerCount, 'listener')}${systemLabel}, ${formatCountOf(producerCount, 'outside producer')}, ${formatCountOf(model?.routes.length ?? 0, 'route')}. The routes table below lists the same routes as text.`;
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <h1 className="text-xl font-semibold">Map</h1>
        {model && (
          <p className="tabular text-sm text-muted">
            {formatCountOf(listenerCount, 'listener')}
            {systemNote && (
              <span title={`The engine's own system.* listeners show while messages ${over} reached them.`}>
                {systemNote}
              </span>
            )}{' '}
            · {formatCountOf(producerCount, 'outside producer')} ·{' '}
            {formatCountOf(model.routes.length, 'route')} {over} · {formatRate(rate)}
            {failing > 0 && (
              <span className="text-failed"> · {formatCountOf(failing, 'route')} with failures</span>
            )}
            {engines.length > 0 && (
              <>
                {' · '}
                <Link
                  href="/#engines"
                  className="text-accent hover:underline"
                  title="Routes and rates count every engine; the overview lists them"
                >
                  {formatCountOf(engines.length, 'engine')} running
                </Link>
              </>
            )}
          </p>
        )}
        <Segmented
          label="Routes over"
          className="ml-auto"
          options={WINDOW_OPTIONS}
          value={routeWindow.value}
          onChange={(w) => void setWindowKey(w)}
        />
      </header>
      <LastKnownNote what="routes, rates and states" />
      <MapLegend rates={!model || !isBusy(model.layoutEdges)} over={over} />
      {focus && (
        <p className="flex items-center gap-2 text-sm">
          <span>
            Showing the routes of <span className="font-medium">{focus}</span>
          </span>
          <Link
            href={routeWindow.value === '5m' ? '/map' : `/map?window=${routeWindow.value}`}
            className="text-accent hover:underline"
          >
            Show all
          </Link>
        </p>
      )}
      <div className="relative h-[max(440px,calc(100vh-11.5rem))] overflow-hidden rounded-lg border border-border bg-panel">
        {error ? (
          <p className="p-4 text-sm text-failed">{describeError(error)}</p>
        ) : !model ? (
          <Skeleton className="h-full w-full rounded-none" />
        ) : (
          <>
            <OrganismMap model={model} focus={focus} label={label} still={stale} />
            {model.routes.every((r) => r.from === 'system') && (
              <p className="pointer-events-none absolute inset-x-0 top-4 mx-auto w-fit rounded-md border border-border bg-panel px-3 py-1.5 text-sm text-muted">
                No producer has sent anything {over}: routes appear here as messages flow (POST /messages).
              </p>
            )}
          </>
        )}
      </div>
      <Panel title="Routes" className="[&>div]:p-0">
        <RoutesTable routes={model?.routes} listeners={listeners.data ?? []} />
      </Panel>
    </div>
  );
}
