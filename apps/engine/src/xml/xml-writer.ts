import type { CanonicalXml } from './canonical.ts';

/** Markup the writer built, or canonical XML from a parsed document. Plain strings are always escaped. */
export class Markup {
  private constructor(readonly xml: string) {}

  /** Embeds canonical XML (output of C14N on a parsed document, hence well-formed) unescaped. */
  static canonical(xml: CanonicalXml): Markup {
    return new Markup(xml);
  }

  /** @internal used by `element` only. */
  static built(xml: string): Markup {
    return new Markup(xml);
  }

  toString(): string {
    return this.xml;
  }
}

/** Anything `element` accepts as a child: text (escaped) or markup (embedded as is). */
export type Child = string | number | boolean | Markup | null | undefined;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
  '\n': '&#xA;',
  '\t': '&#x9;',
};
// XML 1.0 cannot carry these code points at all, even escaped: drop them rather than emit a broken document.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

export function escapeText(value: string): string {
  return value.replace(FORBIDDEN, '').replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c);
}

export function escapeAttribute(value: string): string {
  // C14N escapes '>' in text but not in attribute values.
  return value.replace(FORBIDDEN, '').replace(/[&<"\r\n\t]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Builds one element. Names are checked, attribute values and text children escaped; only `Markup`
 * is embedded unescaped, so untrusted text can never open a tag or close one.
 */
export function element(
  name: string,
  attributes: Record<string, string | undefined>,
  ...children: Child[]
): Markup {
  if (!NAME.test(name)) throw new TypeError(`invalid XML element name: ${JSON.stringify(name)}`);
  let out = `<${name}`;
  // Canonical order: namespace declarations first (the default one first), then attributes by name.
  const rank = (k: string): string => (k === 'xmlns' ? '0' : k.startsWith('xmlns:') ? `1${k}` : `2${k}`);
  const entries = Object.entries(attributes).sort(([a], [b]) =>
    rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0,
  );
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (!NAME.test(key)) throw new TypeError(`invalid XML attribute name: ${JSON.stringify(key)}`);
    out += ` ${key}="${escapeAttribute(value)}"`;
  }
  let body = '';
  for (const child of children) {
    if (child === null || child === undefined) continue;
    body += child instanceof Markup ? child.xml : escapeText(String(child));
  }
  // Start and end tags even when empty: that is the canonical (C14N) form, so built XML is already canonical.
  return Markup.built(`${out}>${body}</${name}>`);
}
