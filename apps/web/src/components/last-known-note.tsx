'use client';
import { Elapsed } from '@/components/time-ago';
import { useEngineStream } from '@/lib/engine-stream';

/**
 * Whether the engine is away: a live page's figures are then what it last said (CONSOLE.md: the data on
 * screen is marked stale). The frame then sets `data-stale` on the page's place, so that what pulses for
 * "at work now" holds still on every page (globals.css), and a page says so with `LastKnownNote`.
 */
export function useEngineAway(): boolean {
  return useEngineStream().away !== undefined;
}

/**
 * "The last known <what>: the engine has been away 12 s.", while it is; nothing otherwise. Only its words
 * are a live region, said once as the engine goes away: the clock after them, which ticks every second,
 * would be read out at every tick.
 */
export function LastKnownNote({ what }: { what: string }) {
  const { away } = useEngineStream();
  if (!away) return null;
  return (
    <p className="text-sm text-muted">
      <span role="status" className="font-medium text-rejected">
        The last known {what}:
      </span>{' '}
      the engine has been away <Elapsed since={away.since} />.
    </p>
  );
}
