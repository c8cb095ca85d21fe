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
  obj: XmlObject;
  text: string;
  children: boolean;
  attrs: boolean;
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
    const gt = tagEnd(xml, lt);
    if (gt < 0) break;
    i = gt + 1;
    if (next === 47 /* / */) {
      const top = stack.pop();
      if (!top) continue;
      let value: XmlValue;
      if (!top.children && !top.attrs) value = top.text;
      else {
        if (top.text.trim()) top.obj['#text'] = top.text;
        value = top.obj;
      }
      const parent = stack[stack.length - 1];
      if (parent) addChild(parent, top.name, value);
      else result = value;
      continue;
    }
    const tag = xml.slice(lt + 1, gt);
    const space = tag.indexOf(' ');
    const frame: Frame = {
      name: localName(space < 0 ? tag : tag.slice(0, space)),
      obj: {},
      text: '',
      children: false,
      attrs: false,
    };
    if (space >= 0) {
      for (const [, key, value] of tag.slice(space).matchAll(ATTRIBUTE)) {
        if (key === undefined || key === 'xmlns' || key.startsWith('xmlns:')) continue;
        frame.obj[`@${localName(key)}`] = decode(value ?? '');
        frame.attrs = true;
      }
    }
    stack.push(frame);
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
