import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { XmlElement } from 'libxml2-wasm';
import { qname } from '@organism/shared';
import type { Problem, QName } from '@organism/shared';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { childElements } from './dom.ts';
import { parseUntrusted } from './hardened-parser.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

/** What a schema component needs to know about the file that declared it. */
export interface SchemaFileContext {
  readonly path: string;
  /** The file's target namespace, or the includer's for a chameleon include. */
  readonly tns: string;
  readonly chameleon: boolean;
  readonly elementsQualified: boolean;
  readonly attributesQualified: boolean;
}

/** One XML Schema element (xs:element, xs:sequence, …) copied out of libxml2 into plain data. */
export interface XsNode {
  /** Local name in the XML Schema namespace: 'element', 'sequence', 'restriction', … */
  readonly kind: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XsNode[];
  /** In-scope namespace declarations, prefix → URI ('' for the default namespace). */
  readonly ns: Readonly<Record<string, string>>;
  readonly file: SchemaFileContext;
  readonly line: number;
  /** The text of its xs:annotation/xs:documentation, whitespace collapsed; null without one. */
  readonly documentation: string | null;
}

type ComponentKind = 'element' | 'complexType' | 'simpleType' | 'group' | 'attributeGroup' | 'attribute';

/** The global components of a schema and every file it includes and imports, by Clark name. */
export interface SchemaSet {
  readonly components: Record<ComponentKind, Map<QName, XsNode>>;
}

export type LoadOutcome = { ok: true; set: SchemaSet } | { ok: false; problems: Problem[] };

/**
 * Reads `file` and what it includes/imports, under the same rules as `XsdRegistry`: schemaLocation is
 * resolved relative to the including file, must stay under `root`, and may not be remote.
 */
export function loadSchemaSet(file: string, root: string): LoadOutcome {
  const set: SchemaSet = {
    components: {
      element: new Map(),
      complexType: new Map(),
      simpleType: new Map(),
      group: new Map(),
      attributeGroup: new Map(),
      attribute: new Map(),
    },
  };
  const problems: Problem[] = [];
  collect(resolve(file), undefined, undefined, { root: resolve(root), set, problems, seen: new Set() });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, set };
}

interface Collector {
  root: string;
  set: SchemaSet;
  problems: Problem[];
  seen: Set<string>;
}

function collect(
  path: string,
  from: { file: string; line: number } | undefined,
  includerTns: string | undefined,
  c: Collector,
): void {
  const key = `${path}\n${includerTns ?? ''}`;
  if (c.seen.has(key)) return;
  c.seen.add(key);
  const where = from ?? { file: path };
  if (!isInsideFolder(c.root, path)) {
    c.problems.push({ ...where, message: `schema ${path} is outside the organism folder ${c.root}` });
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    c.problems.push({ ...where, message: `${whyUnreadable(err)}: ${relative(c.root, path)}` });
    return;
  }
  const parsed = parseUntrusted(bytes, { maxBytes: MAX_SCHEMA_BYTES });
  if (!parsed.ok) {
    c.problems.push(...parsed.problems.map((p) => ({ ...p, file: path })));
    return;
  }
  const doc = parsed.doc;
  try {
    const schema = doc.root;
    if (schema.name !== 'schema' || schema.namespaceUri !== XS_NS) {
      c.problems.push({
        file: path,
        line: schema.line,
        message: 'not an XML Schema: the root must be xs:schema',
      });
      return;
    }
    const ownTns = schema.attr('targetNamespace')?.value ?? '';
    const context: SchemaFileContext = {
      path,
      tns: ownTns || (includerTns ?? ''),
      chameleon: ownTns === '' && !!includerTns,
      elementsQualified: schema.attr('elementFormDefault')?.value === 'qualified',
      attributesQualified: schema.attr('attributeFormDefault')?.value === 'qualified',
    };
    for (const node of copyChildren(schema, context)) {
      if (node.kind === 'include' || node.kind === 'import' || node.kind === 'redefine') {
        const target = locate(node, c.problems);
        if (target)
          collect(
            target,
            { file: path, line: node.line },
            node.kind === 'import' ? undefined : context.tns,
            c,
          );
        continue;
      }
      const map = c.set.components[node.kind as ComponentKind] as Map<QName, XsNode> | undefined;
      const name = node.attrs.name;
      if (map && name !== undefined && !map.has(qname(context.tns, name)))
        map.set(qname(context.tns, name), node);
    }
  } finally {
    doc.dispose();
  }
}

function locate(node: XsNode, problems: Problem[]): string | undefined {
  const location = node.attrs.schemaLocation;
  const at = { file: node.file.path, line: node.line };
  if (!location) {
    const message =
      node.kind === 'import'
        ? 'xs:import without schemaLocation cannot be resolved'
        : `xs:${node.kind} without schemaLocation`;
    problems.push({ ...at, message });
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('file:')) {
    problems.push({ ...at, message: `remote schemaLocation is not allowed: ${location}` });
    return undefined;
  }
  return resolve(dirname(node.file.path), location.replace(/^file:\/\//, ''));
}

// Foreign elements carry nothing an instance needs and are dropped while copying; annotations are kept
// only as the documentation text of the component they annotate.
function copyChildren(el: XmlElement, file: SchemaFileContext): XsNode[] {
  return childElements(el)
    .filter((child) => child.namespaceUri === XS_NS && child.name !== 'annotation')
    .map((child) => ({
      kind: child.name,
      attrs: Object.fromEntries(child.attrs.filter((a) => !a.namespaceUri).map((a) => [a.name, a.value])),
      children: copyChildren(child, file),
      ns: child.namespaces,
      file,
      line: child.line,
      documentation: documentationOf(child),
    }));
}

function documentationOf(el: XmlElement): string | null {
  const texts: string[] = [];
  for (const annotation of childElements(el)) {
    if (annotation.namespaceUri !== XS_NS || annotation.name !== 'annotation') continue;
    for (const doc of childElements(annotation))
      if (doc.namespaceUri === XS_NS && doc.name === 'documentation') texts.push(doc.content);
  }
  const text = texts.join('\n').replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

/** Resolves a QName-valued schema attribute (`type="xs:int"`) in the scope of the node that carries it. */
export function resolveRef(node: XsNode, value: string): QName {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? '' : value.slice(0, colon);
  const local = value.slice(colon + 1);
  let uri = node.ns[prefix] ?? '';
  // A chameleon-included file's unqualified references mean the includer's namespace.
  if (uri === '' && node.file.chameleon) uri = node.file.tns;
  return qname(uri, local);
}

/** The first child of one of the given kinds. */
export function childOf(node: XsNode, ...kinds: string[]): XsNode | undefined {
  return node.children.find((c) => kinds.includes(c.kind));
}

/** minOccurs / maxOccurs of a particle; maxOccurs="unbounded" is Infinity. */
export function occurs(node: XsNode): { min: number; max: number } {
  const min = Number(node.attrs.minOccurs ?? '1');
  const maxText = node.attrs.maxOccurs ?? '1';
  return { min, max: maxText === 'unbounded' ? Infinity : Number(maxText) };
}
