import type { CanonicalXml } from './canonical.ts';

/** A payload as handlers see it: attributes as `@name`, mixed text as `#text`, repeats as arrays. */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

// Canonical XML is a narrow dialect: no declaration, DOCTYPE, comments or CDATA; attributes in double
// quotes separated by one space; empty elements as start/end pairs; only these character references.
const TOKEN = /<(\/?)([^\s>]+)((?: [^\s=]+="[^"]*")*)>|<\?[^]*?\?>|([^<]+)/g;
const ATTR = / ([^\s=]+)="([^"]*)"/g;
const REFS: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#xD;': '\r',
  '&#x9;': '\t',
  '&#xA;': '\n',
};
const decode = (s: string): string => (s.includes('&') ? s.replace(/&[^;]+;/g, (r) => REFS[r] ?? r) : s);
const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

interface Frame {
  name: string;
  obj: XmlObject;
  text: string;
  children: boolean;
  attrs: boolean;
}

/**
 * Converts canonical XML (as produced by exclusive C14N) into a plain object, in JS and without a DOM:
 * far cheaper than walking libxml2's tree across the WASM boundary. Element and attribute names lose
 * their prefixes; namespace declarations are dropped. An element with only text becomes its string.
 */
export function canonicalToObject(xml: CanonicalXml): XmlValue {
  const stack: Frame[] = [];
  let result: XmlValue = '';
  for (const m of xml.matchAll(TOKEN)) {
    const [, close, name, attrs, text] = m;
    const top = stack.at(-1);
    if (text !== undefined) {
      if (top) top.text += decode(text);
    } else if (name !== undefined && !close) {
      const frame: Frame = { name: localName(name), obj: {}, text: '', children: false, attrs: false };
      for (const [, key, value] of (attrs ?? '').matchAll(ATTR)) {
        if (key === undefined || key === 'xmlns' || key.startsWith('xmlns:')) continue;
        frame.obj[`@${localName(key)}`] = decode(value ?? '');
        frame.attrs = true;
      }
      stack.push(frame);
    } else if (close && top) {
      stack.pop();
      let value: XmlValue;
      if (!top.children && !top.attrs) value = top.text;
      else {
        if (top.text.trim()) top.obj['#text'] = top.text;
        value = top.obj;
      }
      const parent = stack.at(-1);
      if (!parent) result = value;
      else addChild(parent, top.name, value);
    }
  }
  return result;
}

// Arrays made for repeated elements, so a child value that is itself an array is never confused.
const repeated = new WeakSet<XmlValue[]>();

function addChild(parent: Frame, name: string, value: XmlValue): void {
  parent.children = true;
  const existing = parent.obj[name];
  if (existing === undefined) parent.obj[name] = value;
  else if (Array.isArray(existing) && repeated.has(existing)) existing.push(value);
  else {
    const list = [existing, value];
    repeated.add(list);
    parent.obj[name] = list;
  }
}
