import { xml } from '@organism/engine/handler';
import type { HandlerContext, XmlValue } from '@organism/engine/handler';

/**
 * Orchestration (docs/orchestration.md): each word goes to the shouter in parallel, on a thread of its
 * own, two at a time (system.buffer), and the whole phrase goes through the shouter and then the
 * greeter in turn (system.sequence). Both results come back here later, as BufferComplete and
 * SequenceComplete, each naming in `ctx.inReplyTo` the call it answers; the thread shows every hop.
 */
export function conduct(payload: XmlValue, ctx: HandlerContext): void {
  if (ctx.root !== 'conduct') return;
  const { word } = payload as { word: string | string[] };
  const words = Array.isArray(word) ? word : [word];
  ctx.gather(
    'shouter',
    words.map((w) => xml`<shout><text>${w}</text></shout>`),
    { concurrency: 2 },
  );
  ctx.sequence(['shouter', 'greeter'], xml`<shout><text>${words.join(' ')}</text></shout>`);
}
