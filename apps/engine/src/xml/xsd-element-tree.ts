import { splitQName } from '@organism/shared';
import type { ElementAttribute, ElementNode, Problem, QName } from '@organism/shared';
import { childOf, loadSchemaSet, occurs, resolveRef } from './xsd-example-schema.ts';
import { constraintsOf } from './xsd-example-simple.ts';
import type { SchemaSet, XsNode } from './xsd-example-schema.ts';

/** Past this many nodes a tree stops growing (a schema that would describe more is not read by people). */
const MAX_NODES = 5_000;
const MAX_DERIVATION = 32;

type Compositor = ElementNode['compositor'];

/** The tree, or why there is none: a root the schema does not declare, or a schema that cannot be read. */
export type ElementTreeOutcome =
  { ok: true; roots: ElementNode[] } | { ok: false; problems: Problem[]; unknownRoot: boolean };

/**
 * The element tree of the global elements `roots` (Clark names) of the XSD `schemaFile`: names, types,
 * occurrence, documentation, what each value is held to (facets, default, fixed) and attributes, from
 * the same schema model the example generator reads.
 * Nested compositors are flattened into their element's children (a child inside an optional or repeated
 * group gets that group's occurrence); an element that contains itself is marked `recursive`, once.
 */
export function elementTree(
  schemaFile: string,
  roots: readonly QName[],
  rootDir: string,
): ElementTreeOutcome {
  const loaded = loadSchemaSet(schemaFile, rootDir);
  if (!loaded.ok) return { ...loaded, unknownRoot: false };
  const builder = new TreeBuilder(loaded.set);
  const out: ElementNode[] = [];
  for (const root of roots) {
    const decl = loaded.set.components.element.get(root);
    if (!decl) {
      const message = `${root} is not a global element of ${schemaFile}`;
      return { ok: false, problems: [{ file: schemaFile, message }], unknownRoot: true };
    }
    out.push(builder.element(decl, splitQName(root).namespaceUri, { min: 1, max: 1 }));
  }
  return { ok: true, roots: out };
}

class TreeBuilder {
  private readonly open: XsNode[] = [];
  private nodes = 0;

  constructor(private readonly set: SchemaSet) {}

  element(decl: XsNode, ns: string, at: { min: number; max: number }, use?: XsNode): ElementNode {
    const ct = this.complexTypeOf(decl);
    const node: ElementNode = {
      name: decl.attrs.name ?? '',
      namespace: ns || null,
      type: decl.attrs.type ?? simpleBase(decl),
      minOccurs: at.min,
      maxOccurs: at.max === Infinity ? 'unbounded' : at.max,
      documentation: use?.documentation ?? decl.documentation,
      compositor: null,
      attributes: [],
      children: [],
      // Its content is already open above it: the same complex type (named or the element's own).
      recursive: ct !== undefined && this.open.includes(ct),
      constraints: constraintsOf(decl, this.set),
    };
    if (!ct) return node;
    node.attributes = [...this.attributes(ct, 0).values()];
    if (node.recursive || ++this.nodes > MAX_NODES) return node;
    this.open.push(ct);
    try {
      node.compositor = this.particles(ct, node.children, 0);
    } finally {
      this.open.pop();
    }
    return node;
  }

  private complexTypeOf(decl: XsNode): XsNode | undefined {
    const inline = childOf(decl, 'complexType', 'simpleType');
    if (inline) return inline.kind === 'complexType' ? inline : undefined;
    if (!decl.attrs.type) {
      const head = decl.attrs.substitutionGroup?.split(/\s+/)[0];
      const headDecl = head ? this.set.components.element.get(resolveRef(decl, head)) : undefined;
      return headDecl && headDecl !== decl ? this.complexTypeOf(headDecl) : undefined;
    }
    return this.set.components.complexType.get(resolveRef(decl, decl.attrs.type));
  }

  /** The content model of a complex type (an extension's base first); returns its top compositor. */
  private particles(ct: XsNode, out: ElementNode[], depth: number): Compositor {
    const derivation = childOf(childOf(ct, 'complexContent') ?? ct, 'extension', 'restriction');
    let compositor: Compositor = null;
    if (derivation?.kind === 'extension' && derivation.attrs.base && depth < MAX_DERIVATION) {
      const base = this.set.components.complexType.get(resolveRef(derivation, derivation.attrs.base));
      if (base) compositor = this.particles(base, out, depth + 1);
    }
    const particle = childOf(derivation ?? ct, 'sequence', 'choice', 'all', 'group');
    if (!particle) return compositor;
    const own = this.particle(particle, out, { min: 1, max: 1 });
    // An extension appends its particles to the base's in sequence.
    return compositor && own ? 'sequence' : (own ?? compositor);
  }

  private particle(node: XsNode, out: ElementNode[], outer: { min: number; max: number }): Compositor {
    const { min, max } = occurs(node);
    const at = { min: outer.min * min, max: outer.max * max };
    switch (node.kind) {
      case 'element': {
        const global = node.attrs.ref
          ? this.set.components.element.get(resolveRef(node, node.attrs.ref))
          : undefined;
        if (global) out.push(this.element(global, global.file.tns, at, node));
        else if (!node.attrs.ref) {
          const form = node.attrs.form ?? (node.file.elementsQualified ? 'qualified' : 'unqualified');
          out.push(this.element(node, form === 'qualified' ? node.file.tns : '', at));
        }
        return null;
      }
      case 'sequence':
      case 'choice':
      case 'all':
        for (const child of node.children) this.particle(child, out, at);
        return node.kind;
      case 'group': {
        const group = node.attrs.ref ? this.set.components.group.get(resolveRef(node, node.attrs.ref)) : node;
        const inner = group && childOf(group, 'sequence', 'choice', 'all');
        return inner ? this.particle(inner, out, at) : null;
      }
      case 'any':
        out.push({
          name: '*',
          namespace: node.attrs.namespace ?? '##any',
          type: null,
          minOccurs: at.min,
          maxOccurs: at.max === Infinity ? 'unbounded' : at.max,
          documentation: node.documentation,
          compositor: null,
          attributes: [],
          children: [],
          recursive: false,
          constraints: null,
        });
        return null;
      default:
        return null;
    }
  }

  /** Attribute uses, the base type's first; a redeclaration replaces, `prohibited` removes. */
  private attributes(ct: XsNode, depth: number): Map<string, ElementAttribute> {
    const derivation = childOf(
      childOf(ct, 'complexContent', 'simpleContent') ?? ct,
      'extension',
      'restriction',
    );
    const base = derivation?.attrs.base
      ? this.set.components.complexType.get(resolveRef(derivation, derivation.attrs.base))
      : undefined;
    const uses =
      base && depth < MAX_DERIVATION ? this.attributes(base, depth + 1) : new Map<string, ElementAttribute>();
    this.applyAttributes(derivation ?? ct, uses, depth);
    return uses;
  }

  private applyAttributes(holder: XsNode, uses: Map<string, ElementAttribute>, depth: number): void {
    for (const node of holder.children) {
      if (node.kind === 'attributeGroup' && depth < MAX_DERIVATION) {
        const group = node.attrs.ref
          ? this.set.components.attributeGroup.get(resolveRef(node, node.attrs.ref))
          : undefined;
        if (group) this.applyAttributes(group, uses, depth + 1);
      }
      if (node.kind !== 'attribute') continue;
      const decl = node.attrs.ref
        ? this.set.components.attribute.get(resolveRef(node, node.attrs.ref))
        : node;
      if (!decl) continue;
      const name = decl.attrs.name ?? '';
      if (node.attrs.use === 'prohibited') {
        uses.delete(name);
        continue;
      }
      uses.set(name, {
        name,
        type: decl.attrs.type ?? simpleBase(decl),
        required: node.attrs.use === 'required',
        documentation: node.documentation ?? decl.documentation,
        constraints: constraintsOf(decl, this.set, node),
      });
    }
  }
}

/** The base type of an inline simple type (`xs:string` for a restriction of it), as written. */
function simpleBase(decl: XsNode): string | null {
  const simple = childOf(decl, 'simpleType');
  const restriction = simple && childOf(simple, 'restriction', 'list', 'union');
  if (!restriction) return null;
  return restriction.attrs.base ?? restriction.attrs.itemType ?? null;
}
