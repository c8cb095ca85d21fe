/**
 * Whether envelope.xsd finds a plain envelope's `<meta>` valid, told from its fields without libxml2:
 * true only where the schema surely would. A plain `<meta>` (xml/plain-envelope.ts) carries no
 * attribute, only whitespace between its children, and each child once, of the envelope's namespace,
 * holding only text. The schema then asks for `from`, then optionally `to`, then optionally `thread`
 * (any other name is invalid), and of `to` a listener's name: 1 to 200 characters, none of them XML
 * whitespace (`\S+`). False means "ask the schema", which also says what is wrong: a name over 200
 * UTF-16 units is left to it, since it counts characters.
 */
export function plainMetaValid(fields: ReadonlyMap<string, string>): boolean {
  let next = 0;
  for (const [name, value] of fields) {
    const at = ORDER.indexOf(name, next);
    if (at < 0 || (next === 0 && at !== 0)) return false;
    if (name === 'to' && !LISTENER_NAME.test(value)) return false;
    next = at + 1;
  }
  return next > 0;
}

const ORDER = ['from', 'to', 'thread'];
/** XML Schema's `\S` is anything but space, tab, line feed and carriage return. */
const LISTENER_NAME = /^[^ \t\n\r]{1,200}$/;
