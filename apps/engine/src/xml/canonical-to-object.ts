import type { CanonicalXml } from './canonical.ts';
import { ATTRIBUTE, decodeCanonical as decode, tagEnd } from './canonical-scan.ts';

/** A payload as handlers see it: attributes as `@name`, mixed text as `#text`, repeats as arrays. */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

interface Frame {
  name: string;
  /** Made with the element's first attribute or child: an element without either is its text. */
  obj: XmlObject | undefined;
  text: string;
}

/**
 * Converts canonical XML (as produced by exclusive C14N) into a plain object, in JS and without a DOM:
 * far cheaper than walking libxml2's tree across the WASM boundary. Element and attribute names lose
 * their prefixes; namespace declarations are dropped. An element with only text becomes its string.
 * A hand-written scanner of the dialect canonical-scan.ts describes.
 */
export function canonicalToObject(xml: CanonicalXml): XmlValue {
  const stack: Frame[] = [];
  let result: XmlValue = '';
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i) {
      const top = stack[stack.length - 1];
      if (top) top.text += decode(xml.slice(i, lt));
    }
    const next = xml.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (next === 47 /* / */) {
      // An end tag holds a name only.
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0) break;
      i = gt + 1;
      const top = stack.pop();
      if (!top) continue;
      let value: XmlValue = top.text;
      if (top.obj) {
        if (top.text.trim()) top.obj['#text'] = top.text;
        value = top.obj;
      }
      const parent = stack[stack.length - 1];
      if (parent) addChild(parent, top.name, value);
      else result = value;
      continue;
    }
    const gt = tagEnd(xml, lt);
    if (gt < 0) break;
    i = gt + 1;
    // The name runs to the first space (then attributes follow) or to the tag's end; its local part
    // starts after a colon.
    let nameStart = lt + 1;
    let nameEnd = gt;
    for (let k = lt + 1; k < gt; k++) {
      const c = xml.charCodeAt(k);
      if (c === 32 /* space */) {
        nameEnd = k;
        break;
      }
      if (c === 58 /* : */) nameStart = k + 1;
    }
    const frame: Frame = { name: xml.slice(nameStart, nameEnd), obj: undefined, text: '' };
    if (nameEnd < gt) {
      for (const [, key, value] of xml.slice(nameEnd, gt).matchAll(ATTRIBUTE)) {
        if (key === undefined || key === 'xmlns' || key.startsWith('xmlns:')) continue;
        (frame.obj ??= {})[`@${localName(key)}`] = decode(value ?? '');
      }
    }
    stack.push(frame);
  }
  return result;
}

// Arrays made for repeated elements, so a child value that is itself an array is never confused.
const repeated = new WeakSet<XmlValue[]>();

function addChild(parent: Frame, name: string, value: XmlValue): void {
  const obj = (parent.obj ??= {});
  // An element may be named like a property every object inherits (`constructor`, `__proto__`): only
  // the object's own properties count, and each is defined as data.
  const existing = Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (existing === undefined) define(obj, name, value);
  else if (Array.isArray(existing) && repeated.has(existing)) existing.push(value);
  else {
    const list = [existing, value];
    repeated.add(list);
    define(obj, name, list);
  }
}

function define(obj: XmlObject, name: string, value: XmlValue): void {
  if (name === '__proto__')
    Object.defineProperty(obj, name, { value, writable: true, enumerable: true, configurable: true });
  else obj[name] = value;
}
