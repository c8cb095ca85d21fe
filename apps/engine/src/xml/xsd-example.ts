import { resolve } from 'node:path';
import { qname, splitQName } from '@organism/shared';
import type { Problem, QName } from '@organism/shared';
import { XS_NS, childOf, loadSchemaSet, occurs, resolveRef } from './xsd-example-schema.ts';
import type { XsNode } from './xsd-example-schema.ts';
import { valueOfNode, valueOfType } from './xsd-example-simple.ts';
import type { ValueContext } from './xsd-example-simple.ts';
import { writeExample } from './xsd-example-writer.ts';
import type { ExampleAttribute, ExampleElement } from './xsd-example-writer.ts';

/** Optional particles stop here, and a recursive element may not open again below this depth. */
const MAX_DEPTH = 8;
const MAX_ELEMENTS = 10_000;
const MAX_DERIVATION = 32;
const PLACEHOLDER_NS = 'urn:example:any';

type Content = ExampleElement | string;

/**
 * A plausible instance of the global element `root` (Clark notation) of the XSD `schemaFile`, meant to
 * validate against it. Included/imported files must stay under `rootDir`, as for `XsdRegistry`.
 */
export function exampleInstance(
  schemaFile: string,
  root: QName,
  rootDir: string,
): { ok: true; xml: string } | { ok: false; problems: Problem[] } {
  const loaded = loadSchemaSet(schemaFile, rootDir);
  if (!loaded.ok) return loaded;
  const elements = loaded.set.components.element;
  const decl = elements.get(root);
  if (!decl) {
    const known = [...elements.keys()].join(', ') || 'none';
    const message = `${root} is not a global element of ${resolve(schemaFile)} (global elements: ${known})`;
    return { ok: false, problems: [{ file: resolve(schemaFile), message }] };
  }
  const ctx: ValueContext = { set: loaded.set, problems: [], ids: 0 };
  const generator = new ExampleGenerator(ctx);
  const instance = generator.element(decl, splitQName(root).namespaceUri);
  if (!instance && ctx.problems.length === 0) {
    const message = generator.tooLarge
      ? `an example of ${root} would need more than ${MAX_ELEMENTS} elements`
      : `${root} cannot be generated: its content requires recursion deeper than ${MAX_DEPTH}`;
    ctx.problems.push({ file: decl.file.path, line: decl.line, message });
  }
  if (!instance || ctx.problems.length > 0) return { ok: false, problems: ctx.problems };
  try {
    return { ok: true, xml: writeExample(instance) };
  } catch (err) {
    return { ok: false, problems: [{ file: decl.file.path, message: (err as Error).message }] };
  }
}

/** Walks declarations depth-first; a method returning false/undefined means "no finite instance down here". */
class ExampleGenerator {
  tooLarge = false;
  private readonly open: XsNode[] = [];
  private count = 0;

  constructor(private readonly ctx: ValueContext) {}

  element(decl: XsNode, ns: string): ExampleElement | undefined {
    if (decl.attrs.abstract === 'true') return this.substitute(decl);
    if (this.open.length >= MAX_DEPTH && this.open.includes(decl)) return undefined;
    if (++this.count > MAX_ELEMENTS) {
      this.tooLarge = true;
      return undefined;
    }
    this.open.push(decl);
    try {
      const el: ExampleElement = { ns, local: decl.attrs.name ?? '', attrs: [], children: [] };
      if (!this.content(decl, el, 0)) return undefined;
      const fixed = decl.attrs.fixed;
      if (fixed !== undefined && el.children.every((c) => typeof c === 'string')) el.children = [fixed];
      return el;
    } finally {
      this.open.pop();
    }
  }

  private content(decl: XsNode, el: ExampleElement, depth: number): boolean {
    const inline = childOf(decl, 'complexType', 'simpleType');
    if (inline?.kind === 'complexType') return this.complexType(inline, el);
    if (inline) return this.text(el, valueOfNode(inline, this.ctx));
    const head = decl.attrs.substitutionGroup;
    if (!decl.attrs.type) {
      const headDecl =
        head && this.ctx.set.components.element.get(resolveRef(decl, head.split(/\s+/)[0] ?? ''));
      return headDecl && depth < MAX_DERIVATION ? this.content(headDecl, el, depth + 1) : true;
    }
    const type = resolveRef(decl, decl.attrs.type);
    if (type === qname(XS_NS, 'anyType')) return true;
    const complex = this.ctx.set.components.complexType.get(type);
    if (complex) return this.complexType(complex, el);
    return this.text(el, valueOfType(type, decl, this.ctx));
  }

  private text(el: ExampleElement, value: string): true {
    el.children.push(value);
    return true;
  }

  private complexType(ct: XsNode, el: ExampleElement): boolean {
    el.attrs.push(...this.attributeUses(ct, 0).values());
    const simple = childOf(ct, 'simpleContent');
    if (simple) return this.text(el, valueOfNode(simple, this.ctx));
    if (ct.attrs.mixed === 'true' || childOf(ct, 'complexContent')?.attrs.mixed === 'true')
      el.children.push('text');
    return this.particles(ct, el.children, 0);
  }

  /** The content model of a complex type: for an extension, the base type's content first. */
  private particles(ct: XsNode, out: Content[], depth: number): boolean {
    const derivation = childOf(childOf(ct, 'complexContent') ?? ct, 'extension', 'restriction');
    const holder = derivation ?? ct;
    if (derivation?.kind === 'extension' && derivation.attrs.base && depth < MAX_DERIVATION) {
      const base = this.ctx.set.components.complexType.get(resolveRef(derivation, derivation.attrs.base));
      if (base && !this.particles(base, out, depth + 1)) return false;
    }
    const particle = childOf(holder, 'sequence', 'choice', 'all', 'group');
    return particle ? this.particle(particle, out) : true;
  }

  private particle(node: XsNode, out: Content[]): boolean {
    const { min, max } = occurs(node);
    if (max === 0 || (min === 0 && (node.kind === 'any' || this.open.length >= MAX_DEPTH))) return true;
    for (let i = 0; i < Math.max(1, min); i++) {
      const got: Content[] = [];
      if (!this.once(node, got)) return min === 0;
      out.push(...got);
    }
    return true;
  }

  private once(node: XsNode, out: Content[]): boolean {
    const components = this.ctx.set.components;
    switch (node.kind) {
      case 'element': {
        const global = node.attrs.ref ? this.lookup(components.element, node, node.attrs.ref) : undefined;
        if (node.attrs.ref && !global) return true;
        const form = node.attrs.form ?? (node.file.elementsQualified ? 'qualified' : 'unqualified');
        const el = global
          ? this.element(global, global.file.tns)
          : this.element(node, form === 'qualified' ? node.file.tns : '');
        if (!el) return false;
        out.push(el);
        return true;
      }
      case 'sequence':
      case 'all':
        return node.children.every((child) => this.particle(child, out));
      case 'choice':
        for (const branch of node.children) {
          const got: Content[] = [];
          if (!this.particle(branch, got)) continue;
          out.push(...got);
          return true;
        }
        return node.children.length === 0;
      case 'group': {
        const group = node.attrs.ref ? this.lookup(components.group, node, node.attrs.ref) : node;
        const inner = group && childOf(group, 'sequence', 'choice', 'all');
        return inner ? this.particle(inner, out) : true;
      }
      case 'any':
        return this.wildcard(node, out);
      default:
        return true;
    }
  }

  /** A required xs:any: a global element it admits, else (unless strict) a placeholder element. */
  private wildcard(node: XsNode, out: Content[]): boolean {
    const tns = node.file.tns;
    const tokens = (node.attrs.namespace ?? '##any').split(/\s+/).filter(Boolean);
    const admits = (ns: string): boolean =>
      tokens.some(
        (t) =>
          t === '##any' ||
          t === ns ||
          (t === '##other' && ns !== tns && ns !== '') ||
          (t === '##targetNamespace' && ns === tns) ||
          (t === '##local' && ns === ''),
      );
    for (const decl of this.ctx.set.components.element.values()) {
      if (decl.attrs.abstract === 'true' || this.open.includes(decl) || !admits(decl.file.tns)) continue;
      const el = this.element(decl, decl.file.tns);
      if (!el) continue;
      out.push(el);
      return true;
    }
    if (node.attrs.processContents !== 'lax' && node.attrs.processContents !== 'skip') return false;
    const first = tokens[0] ?? '##any';
    const ns =
      first === '##local'
        ? ''
        : first === '##targetNamespace'
          ? tns
          : first.startsWith('##')
            ? PLACEHOLDER_NS
            : first;
    out.push({ ns, local: 'example', attrs: [], children: [] });
    return true;
  }

  private substitute(head: XsNode): ExampleElement | undefined {
    const headName = qname(head.file.tns, head.attrs.name ?? '');
    for (const decl of this.ctx.set.components.element.values()) {
      const groups = (decl.attrs.substitutionGroup ?? '').split(/\s+/).filter(Boolean);
      if (decl.attrs.abstract === 'true' || !groups.some((g) => resolveRef(decl, g) === headName)) continue;
      return this.element(decl, decl.file.tns);
    }
    const message = `abstract element ${headName} has no substitution group member to stand in for it`;
    this.ctx.problems.push({ file: head.file.path, line: head.line, message });
    return undefined;
  }

  /** Attribute uses of a complex type, its base's first; a redeclaration replaces, "prohibited" removes. */
  private attributeUses(ct: XsNode, depth: number): Map<QName, ExampleAttribute> {
    const derivation = childOf(
      childOf(ct, 'complexContent', 'simpleContent') ?? ct,
      'extension',
      'restriction',
    );
    const base = derivation?.attrs.base
      ? this.ctx.set.components.complexType.get(resolveRef(derivation, derivation.attrs.base))
      : undefined;
    const uses =
      base && depth < MAX_DERIVATION
        ? this.attributeUses(base, depth + 1)
        : new Map<QName, ExampleAttribute>();
    this.applyAttributes(derivation ?? ct, uses, depth);
    return uses;
  }

  private applyAttributes(holder: XsNode, uses: Map<QName, ExampleAttribute>, depth: number): void {
    const components = this.ctx.set.components;
    for (const node of holder.children) {
      if (node.kind === 'attributeGroup' && depth < MAX_DERIVATION) {
        const group = node.attrs.ref
          ? this.lookup(components.attributeGroup, node, node.attrs.ref)
          : undefined;
        if (group) this.applyAttributes(group, uses, depth + 1);
      }
      if (node.kind !== 'attribute') continue;
      const decl = node.attrs.ref ? this.lookup(components.attribute, node, node.attrs.ref) : node;
      if (!decl) continue;
      const form = node.attrs.form ?? (node.file.attributesQualified ? 'qualified' : 'unqualified');
      const ns = node.attrs.ref || form === 'qualified' ? decl.file.tns : '';
      const local = decl.attrs.name ?? '';
      if (node.attrs.use === 'prohibited') {
        uses.delete(qname(ns, local));
        continue;
      }
      const inline = childOf(decl, 'simpleType');
      const value =
        node.attrs.fixed ??
        decl.attrs.fixed ??
        node.attrs.default ??
        decl.attrs.default ??
        (decl.attrs.type
          ? valueOfType(resolveRef(decl, decl.attrs.type), decl, this.ctx)
          : inline
            ? valueOfNode(inline, this.ctx)
            : 'text');
      uses.set(qname(ns, local), { ns, local, value });
    }
  }

  private lookup(map: Map<QName, XsNode>, at: XsNode, ref: string): XsNode | undefined {
    const name = resolveRef(at, ref);
    const found = map.get(name);
    if (!found)
      this.ctx.problems.push({ file: at.file.path, line: at.line, message: `unresolved reference ${name}` });
    return found;
  }
}
