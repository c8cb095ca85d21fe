import { xml } from '@organism/engine/handler';
import type { XmlValue } from '@organism/engine/handler';

/** Replies with the text in capitals. Returning a string is the same as ctx.reply(string). */
export function shout(payload: XmlValue): string {
  const { text } = payload as { text: string };
  return xml`<shouted><text>${text.toUpperCase()}</text></shouted>`;
}
