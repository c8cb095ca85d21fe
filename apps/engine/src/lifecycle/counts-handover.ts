import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Log } from '@organism/shared';
import { z } from 'zod';
import type { CountedRates } from '../journal/throughput-history.ts';
import type { CountedListener } from './listener-activity.ts';
import type { SharedRoutes } from './route-tracker.ts';

/**
 * What an engine counted in memory as it stopped, for the engine that opens its journal next: the routes
 * messages took (the map), the journal's outcomes per second (the overview's rates and chart) and each
 * listener's counts (received, failed, its last failure). A restart then leaves the last five minutes and
 * the listeners' figures as they were, instead of starting them empty.
 */
export interface Handover {
  /** When the engine that wrote it stopped (ms). */
  stoppedAt: number;
  routes: SharedRoutes;
  rates?: CountedRates;
  /** By listener name; absent from an engine of an earlier version. */
  listeners?: Record<string, CountedListener>;
}

const count = z.number().int().nonnegative();
const handover = z.object({
  stoppedAt: z.number(),
  routes: z.object({
    since: z.number(),
    routes: z.array(
      z
        .object({
          from: z.string(),
          to: z.string(),
          seconds: z.array(z.number().int()),
          counts: z.array(count),
          failures: z.array(count),
          lastAt: z.number(),
        })
        .refine((r) => r.counts.length === r.seconds.length && r.failures.length === r.seconds.length),
    ),
  }),
  rates: z
    .object({
      since: z.number().int(),
      seconds: z.array(z.tuple([z.number().int(), z.record(z.string(), count)])),
    })
    .optional(),
  listeners: z
    .record(
      z.string(),
      z.object({
        received: count,
        failed: count,
        lastError: z.string().nullable(),
        lastActivityAt: z.number().nullable(),
        lastFailedAt: z.number().nullable(),
      }),
    )
    .optional(),
});

/**
 * How long after the last engine stopped its counts are taken on: a restart. An engine started later (a
 * stop, then a start) counts afresh, so that the time nothing ran shows as a gap on the chart, not as
 * zeros counted.
 */
export const HANDOVER_MS = 30_000;

/**
 * The counts the engine before this one left, taken once: the file is removed as it is read, so that after
 * a crash (which leaves none) an engine never takes an older engine's counts as its predecessor's. Counts
 * left more than `HANDOVER_MS` ago are not a restart's and are dropped; a file that holds no counts is
 * reported and ignored. Either way counting then starts afresh, as after a crash.
 */
export async function takeHandover(file: string, log: Log, now = Date.now()): Promise<Handover | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ err, file }, 'could not read what the last engine counted');
    return undefined;
  }
  await rm(file, { force: true });
  try {
    const parsed = handover.safeParse(JSON.parse(text));
    if (parsed.success) return now - parsed.data.stoppedAt <= HANDOVER_MS ? parsed.data : undefined;
  } catch {
    // Not JSON: reported below as any other content.
  }
  log.warn(
    { file },
    'what the last engine counted is unreadable: the map, the chart and the listener counts start from this engine',
  );
  return undefined;
}

/**
 * Leaves this engine's counts for the next one. Not synced to disk: the next engine starts once this one
 * has exited, when the file is whole, and what a power cut might tear is only counts, which the next
 * engine then reports unreadable and starts afresh. A sync here lengthened the moment a restart leaves the
 * organism unanswered by a fifth (`pnpm -C bench startup`, bench/NOTES.md).
 */
export function handOver(file: string, counts: Handover): Promise<void> {
  return writeFile(file, JSON.stringify(counts));
}
