'use client';
import { useSyncExternalStore } from 'react';
import { formatAgo, formatDuration, formatExact, formatIn, formatUptime } from '@/lib/format';

/**
 * One clock for every relative time on the page, ticking every `period` ms while any is shown: a list of a
 * hundred times re-renders once per tick, together, instead of a hundred timers each waking React on its own.
 */
function makeClock(period: number) {
  const clock = {
    now: Date.now(),
    listeners: new Set<() => void>(),
    timer: undefined as ReturnType<typeof setInterval> | undefined,
  };
  const tick = (): void => {
    clock.now = Date.now();
    for (const l of clock.listeners) l();
  };
  const subscribe = (fn: () => void): (() => void) => {
    clock.listeners.add(fn);
    clock.timer ??= setInterval(tick, period);
    // A time that appears between ticks would read up to a period young: bring every time up to date.
    if (Date.now() - clock.now > Math.min(1_000, period / 2)) tick();
    return () => {
      clock.listeners.delete(fn);
      if (clock.listeners.size === 0 && clock.timer !== undefined) {
        clearInterval(clock.timer);
        clock.timer = undefined;
      }
    };
  };
  return { subscribe, getNow: (): number => clock.now };
}

/** Times in seconds and coarser ("12 s ago", "in 3 min"): every 5 s is current enough. */
const { subscribe, getNow } = makeClock(5_000);
/** An uptime that shows its seconds ("4m 05s") counts them one by one, not five at a time. */
const seconds = makeClock(1_000);

/** The time now, on the clock relative times share (current to within 5 s), for what changes with age. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getNow);
}

/**
 * The width of a table column of `TimeAgo`s: its longest, "59 min ago", is 70 px in the tables' 12.25 px
 * font, and a cell's padding 21 more.
 */
export const AGO_WIDTH = 96;

/** A relative time that keeps itself current, with the exact local time (ms) on hover. */
export function TimeAgo({ at }: { at: number }) {
  const ticked = useNow();
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
  const now = useNow();
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
  return <Ticking since={since} format={formatUptime} />;
}

/**
 * How long something has lasted, as every other duration reads ("12 s", "4 min 5 s"), counting the
 * seconds: how long the engine has been away, say. `Uptime` is the engine's own, in the frame's short form.
 */
export function Elapsed({ since }: { since: number }) {
  return <Ticking since={since} format={(ms) => formatDuration(Math.floor(ms / 1000) * 1000)} />;
}

function Ticking({ since, format }: { since: number; format: (ms: number) => string }) {
  // On the 1 s clock throughout, though past its first hour it shows minutes: one small element
  // re-rendered a second costs next to nothing, and needs no switching of clocks as it ages.
  const now = useSyncExternalStore(seconds.subscribe, seconds.getNow, seconds.getNow);
  return (
    <time dateTime={new Date(since).toISOString()} title={`since ${formatExact(since)}`} className="tabular">
      {format(Math.max(0, now - since))}
    </time>
  );
}
