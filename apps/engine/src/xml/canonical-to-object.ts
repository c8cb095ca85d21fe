import type { CanonicalXml } from './canonical.ts';
import { ATTRIBUTE, decodeCanonical as decode, tagEnd } from './canonical-scan.ts';

/** A payload as handlers see it: attributes as `@name`, mixed text as `#text`, repeats as arrays. */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * Converts canonical XML (as produced by exclusive C14N) into a plain object, in JS and without a DOM:
 * far cheaper than walking libxml2's tree across the WASM boundary. Element and attribute names lose
 * their prefixes; namespace declarations are dropped. An element with only text becomes its string.
 * A hand-written scanner of the dialect canonical-scan.ts describes. It runs for every delivery (the
 * handler's payload), so the open elements are kept in three arrays by depth, not an object each.
 */
export function canonicalToObject(xml: CanonicalXml): XmlValue {
  // The open elements, by depth: name, object (made with the first attribute or child: an element
  // without either is its text), text.
  const names: string[] = [];
  const objs: (XmlObject | undefined)[] = [];
  const texts: string[] = [];
  let depth = 0;
  let result: XmlValue = '';
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i && depth > 0) texts[depth - 1] += decode(xml.slice(i, lt));
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
      if (depth === 0) continue;
      depth--;
      const text = texts[depth]!;
      const obj = objs[depth];
      let value: XmlValue = text;
      if (obj) {
        if (text.trim()) obj['#text'] = text;
        value = obj;
      }
      if (depth > 0) addChild(objs, depth - 1, names[depth]!, value);
      else result = value;
      continue;
    }
    // The name runs to the first space (then attributes follow, and the tag ends at the first `>`
    // outside their quotes) or to the tag's end; its local part starts after a colon.
    let nameStart = lt + 1;
    let k = lt + 1;
    for (; k < n; k++) {
      const c = xml.charCodeAt(k);
      if (c === 62 /* > */ || c === 32 /* space */) break;
      if (c === 58 /* : */) nameStart = k + 1;
    }
    if (k === n) break;
    const nameEnd = k;
    const gt = xml.charCodeAt(k) === 32 ? tagEnd(xml, k) : k;
    if (gt < 0) break;
    i = gt + 1;
    let obj: XmlObject | undefined;
    if (nameEnd < gt) {
      for (const [, key, value] of xml.slice(nameEnd, gt).matchAll(ATTRIBUTE)) {
        if (key === undefined || key === 'xmlns' || key.startsWith('xmlns:')) continue;
        (obj ??= {})[`@${localName(key)}`] = decode(value ?? '');
      }
    }
    names[depth] = xml.slice(nameStart, nameEnd);
    objs[depth] = obj;
    texts[depth] = '';
    depth++;
  }
  return result;
}

/**
 * Adds a child's value to the element open at `depth`. A value is a string or an object, never an
 * array: an array found under the name is the one made for its repeats.
 */
function addChild(objs: (XmlObject | undefined)[], depth: number, name: string, value: XmlValue): void {
  const obj = (objs[depth] ??= {});
  // An element may be named like a property every object inherits (`constructor`, `__proto__`): only
  // the object's own properties count, and each is defined as data.
  const found = obj[name];
  const existing = found !== undefined && Object.hasOwn(obj, name) ? found : undefined;
  if (existing === undefined) define(obj, name, value);
  else if (Array.isArray(existing)) existing.push(value);
  else define(obj, name, [existing, value]);
}

function define(obj: XmlObject, name: string, value: XmlValue): void {
  if (name === '__proto__')
    Object.defineProperty(obj, name, { value, writable: true, enumerable: true, configurable: true });
  else obj[name] = value;
}
