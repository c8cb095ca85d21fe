import { xml } from '@organism/engine/handler';
import type { HandlerContext, XmlValue } from '@organism/engine/handler';

/**
 * A two-hop conversation: a <greeting> is forwarded to the shouter; its <shouted> reply comes back
 * here (the pump prunes the call chain) and is answered to whoever sent the greeting.
 */
export function greet(payload: XmlValue, ctx: HandlerContext): string | void {
  const p = payload as { name?: string; text?: string };
  if (ctx.root === 'greeting') {
    ctx.forward('shouter', xml`<shout><text>Hello, ${p.name ?? ''}!</text></shout>`);
    return;
  }
  return xml`<greeted><text>${p.text ?? ''}</text></greeted>`;
}
