'use client';
import { useSyncExternalStore } from 'react';
import { formatAgo, formatExact, formatIn, formatUptime } from '@/lib/format';

/**
 * One clock for every relative time on the page, ticking every 5 s while any is shown: a list of a hundred
 * times re-renders once per tick, together, instead of a hundred timers each waking React on its own.
 */
const clock = {
  now: Date.now(),
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
};
function tick(): void {
  clock.now = Date.now();
  for (const l of clock.listeners) l();
}
function subscribe(fn: () => void): () => void {
  clock.listeners.add(fn);
  clock.timer ??= setInterval(tick, 5_000);
  // A time that appears between ticks would read up to 5 s young: bring every time up to date.
  if (Date.now() - clock.now > 1_000) tick();
  return () => {
    clock.listeners.delete(fn);
    if (clock.listeners.size === 0 && clock.timer !== undefined) {
      clearInterval(clock.timer);
      clock.timer = undefined;
    }
  };
}
const getNow = (): number => clock.now;

/** A relative time that keeps itself current, with the exact local time (ms) on hover. */
export function TimeAgo({ at }: { at: number }) {
  const ticked = useSyncExternalStore(subscribe, getNow, getNow);
  // A time newer than the last tick (a live row) reads against the present, never as "in the future".
  const now = Math.max(ticked, at);
  return (
    <time dateTime={new Date(at).toISOString()} title={formatExact(at)} className="tabular whitespace-nowrap">
      {formatAgo(at, now)}
    </time>
  );
}

/** A time still to come ("in 12 s", then "due"), on the same clock, with the exact local time on hover. */
export function TimeUntil({ at }: { at: number }) {
  const now = useSyncExternalStore(subscribe, getNow, getNow);
  return (
    <time dateTime={new Date(at).toISOString()} title={formatExact(at)} className="tabular whitespace-nowrap">
      {formatIn(at, now)}
    </time>
  );
}

/**
 * How long something has been up ("12s", "4m 05s", "2h 10m"), from when it started, on the same clock: an
 * uptime read once from a status answer keeps counting between refreshes instead of standing still.
 */
export function Uptime({ since }: { since: number }) {
  const now = useSyncExternalStore(subscribe, getNow, getNow);
  return (
    <time dateTime={new Date(since).toISOString()} title={`since ${formatExact(since)}`} className="tabular">
      {formatUptime(Math.max(0, now - since))}
    </time>
  );
}
