/**
 * What handler authors import: the types, `HandlerError`, and `xml`, a tagged template that escapes
 * every interpolated value so a name or a note can never open a tag.
 */
// The writer alone: a handler's module loaded in an isolated worker must not load libxml2-wasm with it.
import { escapeText } from './xml/xml-writer.ts';

export type { Handler, HandlerContext } from './pump/listener.ts';
export type { XmlValue, XmlObject } from './xml/index.ts';
export { HandlerError } from './pump/sending-context.ts';

/** Markup made by `xml.fragment`: embedded unescaped when interpolated into another `xml` template. */
export class XmlFragment {
  constructor(readonly xml: string) {}
  toString(): string {
    return this.xml;
  }
}

function render(strings: TemplateStringsArray, values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const piece =
      v instanceof XmlFragment
        ? v.xml
        : Array.isArray(v)
          ? v.map((x) => (x instanceof XmlFragment ? x.xml : escapeText(String(x)))).join('')
          : escapeText(String(v));
    out += piece + (strings[i + 1] ?? '');
  });
  return out;
}

/** `xml\`<shout><text>${name}</text></shout>\`` — every value is escaped as text. */
export function xml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return render(strings, values);
}

/** The same, kept as markup so it (or an array of them) can be nested in another `xml` template. */
xml.fragment = (strings: TemplateStringsArray, ...values: unknown[]): XmlFragment =>
  new XmlFragment(render(strings, values));
