import { setTimeout as sleep } from 'node:timers/promises';
import type { HandlerContext, XmlValue } from '@organism/engine/handler';

/** Naps, then ends the thread. Longer than its 1 s timeout, the nap is cut off (ctx.signal aborts). */
export async function nap(payload: XmlValue, ctx: HandlerContext): Promise<void> {
  const { ms } = payload as { ms: string };
  await sleep(Number(ms), undefined, { signal: ctx.signal }).catch(() => undefined);
}
