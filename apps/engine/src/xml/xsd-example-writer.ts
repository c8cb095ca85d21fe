import { element } from './xml-writer.ts';
import type { Child, Markup } from './xml-writer.ts';

/** An element of a generated example, before namespace prefixes are chosen. */
export interface ExampleElement {
  ns: string;
  local: string;
  attrs: ExampleAttribute[];
  children: (ExampleElement | string)[];
}

export interface ExampleAttribute {
  ns: string;
  local: string;
  value: string;
}

/**
 * Serialises an example through `element()`, so every name is checked and every value escaped. The root's
 * namespace is the default namespace; an element in no namespace below it resets it with xmlns="", and every
 * other namespace (and any namespaced attribute) gets a prefix ns1, ns2… declared on the root.
 */
export function writeExample(root: ExampleElement): string {
  const prefixes = new Map<string, string>();
  const assign = (ns: string): void => {
    if (ns && !prefixes.has(ns)) prefixes.set(ns, `ns${prefixes.size + 1}`);
  };
  const visit = (el: ExampleElement): void => {
    if (el.ns !== root.ns) assign(el.ns);
    for (const a of el.attrs) assign(a.ns);
    for (const c of el.children) if (typeof c !== 'string') visit(c);
  };
  visit(root);
  const declarations: Record<string, string> = {};
  for (const [ns, prefix] of prefixes) declarations[`xmlns:${prefix}`] = ns;

  const write = (el: ExampleElement, inScopeDefault: string, extra: Record<string, string>): Markup => {
    const attributes: Record<string, string> = { ...extra };
    let name = el.local;
    let defaultNs = inScopeDefault;
    if (el.ns !== inScopeDefault) {
      if (el.ns === '' || el.ns === root.ns) {
        attributes.xmlns = el.ns;
        defaultNs = el.ns;
      } else {
        name = `${prefixes.get(el.ns) ?? ''}:${el.local}`;
      }
    }
    for (const a of el.attrs) attributes[a.ns ? `${prefixes.get(a.ns) ?? ''}:${a.local}` : a.local] = a.value;
    const children: Child[] = el.children.map((c) => (typeof c === 'string' ? c : write(c, defaultNs, {})));
    return element(name, attributes, ...children);
  };
  return write(root, '', declarations).toString();
}
