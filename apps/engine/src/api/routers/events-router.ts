import { eventStreamInputSchema } from '@organism/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { tracked } from '@trpc/server';
import type { Transition } from '@organism/shared';
import { router, viewerProcedure } from '../trpc.ts';

const PAGE = 500;
/** Past this many unread transitions the client is told it lagged (it keeps its cursor and catches up). */
const LAG_NOTICE = 5_000;

export type StreamItem =
  | { kind: 'transition'; transition: Transition }
  | { kind: 'lagged'; behind: number }
  | { kind: 'pruned'; from: number; to: number };

export const eventsRouter = router({
  /**
   * The journal's transitions as an SSE stream keyed by sequence number. Reconnecting with the last
   * id resumes exactly after it: nothing missed, nothing twice. The engine reads pages from the
   * journal as the client consumes them, so a slow client costs a cursor, never a growing buffer.
   */
  stream: viewerProcedure.input(eventStreamInputSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    let cursor = input.lastEventId ? Number(input.lastEventId) : (await ctx.engine.journalStats()).lastSeq;
    if (!Number.isFinite(cursor)) cursor = 0;
    const wanted = (t: Transition): boolean =>
      (!input.threadId || t.threadId === input.threadId) && (!input.states || input.states.includes(t.state));
    const listenerIds = new Map<string, boolean>();
    const matchesListener = async (t: Transition): Promise<boolean> => {
      if (!input.listener) return true;
      let hit = listenerIds.get(t.messageId);
      if (hit === undefined) {
        const m = await ctx.engine.getMessage(t.messageId);
        hit = !!m && (m.to === input.listener || m.from === input.listener);
        listenerIds.set(t.messageId, hit);
        if (listenerIds.size > 10_000) listenerIds.clear();
      }
      return hit;
    };
    while (!signal?.aborted) {
      const page = await ctx.engine.transitions(cursor, PAGE);
      if (page.length === 0) {
        await sleep(100, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const first = page[0];
      if (first && first.seq > cursor + 1 && cursor > 0)
        yield tracked(String(cursor), {
          kind: 'pruned',
          from: cursor + 1,
          to: first.seq - 1,
        } satisfies StreamItem);
      const last = page.at(-1)?.seq ?? cursor;
      const head = (await ctx.engine.journalStats()).lastSeq;
      // Notices carry the current cursor as their id, so resuming from one neither skips nor repeats.
      if (head - last > LAG_NOTICE)
        yield tracked(String(cursor), { kind: 'lagged', behind: head - last } satisfies StreamItem);
      for (const t of page) {
        cursor = t.seq;
        if (wanted(t) && (await matchesListener(t)))
          yield tracked(String(t.seq), { kind: 'transition', transition: t } satisfies StreamItem);
      }
    }
  }),
});
