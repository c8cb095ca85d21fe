import { eventStreamInputSchema } from '@organism/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { tracked } from '@trpc/server';
import type { RoutedTransition, StreamItem } from '@organism/shared';
import { router, viewerProcedure } from '../trpc.ts';

export type { StreamItem } from '@organism/shared';

const PAGE = 500;
/** Past this many unread transitions the client is told it lagged (it keeps its cursor and catches up). */
const LAG_NOTICE = 5_000;

export const eventsRouter = router({
  /**
   * The journal's transitions, each with its entry's route, as an SSE stream. Reconnecting with the last
   * id resumes exactly after it: nothing missed, nothing twice.
   */
  stream: viewerProcedure.input(eventStreamInputSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    let cursor = input.lastEventId ? Number(input.lastEventId) : await ctx.engine.headSeq();
    if (!Number.isFinite(cursor)) cursor = 0;
    const wanted = (t: RoutedTransition): boolean =>
      (!input.threadId || t.threadId === input.threadId) &&
      (!input.to || t.to === input.to) &&
      (!input.from || t.from === input.from) &&
      (!input.participant || t.to === input.participant || t.from === input.participant) &&
      (!input.root || t.root === input.root) &&
      (!input.states || input.states.includes(t.state));
    while (!signal?.aborted) {
      const page = await ctx.engine.routedTransitions(cursor, PAGE);
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
      const head = await ctx.engine.headSeq();
      if (head - last > LAG_NOTICE)
        yield tracked(String(cursor), { kind: 'lagged', behind: head - last } satisfies StreamItem);
      for (const t of page) {
        cursor = t.seq;
        if (wanted(t))
          yield tracked(String(t.seq), { kind: 'transition', transition: t } satisfies StreamItem);
      }
    }
  }),
});
