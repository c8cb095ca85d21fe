import { splitQName } from '@organism/shared';
import type { Problem, QName, ValueConstraints } from '@organism/shared';
import { patternSamples, xsdPatternToRegExp } from './xsd-example-pattern.ts';
import { XS_NS, childOf, resolveRef } from './xsd-example-schema.ts';
import type { SchemaSet, XsNode } from './xsd-example-schema.ts';

/** State shared by one generation run. */
export interface ValueContext {
  readonly set: SchemaSet;
  readonly problems: Problem[];
  /** Counter that keeps generated xs:ID values unique within the document. */
  ids: number;
}

interface Facets {
  enums?: string[];
  /** One entry per derivation step: a value must match one pattern of every step. */
  patterns: string[][];
  minI?: string;
  maxI?: string;
  minX?: string;
  maxX?: string;
  length?: number;
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
}

type SimpleDesc =
  | { kind: 'atomic'; builtin: string; facets: Facets }
  | { kind: 'list'; item: SimpleDesc; facets: Facets }
  | { kind: 'union'; members: SimpleDesc[]; facets: Facets };

interface Builtin {
  sample: string;
  num?: 'int' | 'dec';
  min?: number;
  max?: number;
}

const int = (min: number, max: number): Builtin => ({ sample: '1', num: 'int', min, max });
const BUILTINS: Record<string, Builtin> = {
  language: { sample: 'en' },
  Name: { sample: 'name' },
  NCName: { sample: 'name' },
  NMTOKEN: { sample: 'token' },
  ID: { sample: 'id1' },
  IDREF: { sample: 'id1' },
  ENTITY: { sample: 'entity' },
  QName: { sample: 'example' },
  NOTATION: { sample: 'example' },
  anyURI: { sample: 'https://example.org/' },
  boolean: { sample: 'true' },
  base64Binary: { sample: 'AA==' },
  hexBinary: { sample: '00' },
  date: { sample: '2026-01-01' },
  dateTime: { sample: '2026-01-01T00:00:00Z' },
  dateTimeStamp: { sample: '2026-01-01T00:00:00Z' },
  time: { sample: '00:00:00' },
  duration: { sample: 'PT1M' },
  gYear: { sample: '2026' },
  gYearMonth: { sample: '2026-01' },
  gMonth: { sample: '--01' },
  gMonthDay: { sample: '--01-01' },
  gDay: { sample: '---01' },
  decimal: { sample: '1.5', num: 'dec' },
  float: { sample: '1.5', num: 'dec' },
  double: { sample: '1.5', num: 'dec' },
  integer: int(-Infinity, Infinity),
  long: int(-(2 ** 63), 2 ** 63 - 1),
  int: int(-2147483648, 2147483647),
  short: int(-32768, 32767),
  byte: int(-128, 127),
  nonNegativeInteger: int(0, Infinity),
  positiveInteger: int(1, Infinity),
  nonPositiveInteger: int(-Infinity, 0),
  negativeInteger: int(-Infinity, -1),
  unsignedLong: int(0, 2 ** 64 - 1),
  unsignedInt: int(0, 4294967295),
  unsignedShort: int(0, 65535),
  unsignedByte: int(0, 255),
};
const LIST_BUILTINS: Record<string, string> = { NMTOKENS: 'NMTOKEN', IDREFS: 'IDREF', ENTITIES: 'ENTITY' };
const FALLBACKS = ['AA', 'US', '1', 'a', 'A1', 'abc', '123', 'example'];
const MAX_TYPE_DEPTH = 32;

/** A value of the simple type named `type` (a built-in, a global simpleType, or a simple-content complexType). */
export function valueOfType(type: QName, at: XsNode, ctx: ValueContext): string {
  return render(describeType(type, at, ctx, 0), ctx);
}

/** A value of an anonymous xs:simpleType, or of the xs:restriction / xs:extension of a simpleContent. */
export function valueOfNode(node: XsNode, ctx: ValueContext): string {
  return render(describeNode(node, ctx, 0), ctx);
}

/**
 * What the text of `decl` (an element or attribute declaration) is held to: the facets of its simple type
 * (named, inline, or a complex type's simple content), and the default or fixed value of `use` (the
 * attribute use that refers to it) or of `decl`. Null when nothing beyond its type.
 */
export function constraintsOf(decl: XsNode, set: SchemaSet, use?: XsNode): ValueConstraints | null {
  const ctx: ValueContext = { set, problems: [], ids: 0 };
  const inline = childOf(decl, 'simpleType', 'complexType');
  const desc = decl.attrs.type
    ? describeType(resolveRef(decl, decl.attrs.type), decl, ctx, 0)
    : inline && describeNode(inline, ctx, 0);
  const out = desc ? constraintsFrom(desc) : {};
  const fallback = use?.attrs.default ?? decl.attrs.default;
  const fixed = use?.attrs.fixed ?? decl.attrs.fixed;
  if (fallback !== undefined) out.default = fallback;
  if (fixed !== undefined) out.fixed = fixed;
  return Object.keys(out).length > 0 ? out : null;
}

function constraintsFrom(desc: SimpleDesc): ValueConstraints {
  const { enums, patterns, minI, maxI, minX, maxX, ...counts } = desc.facets;
  const out: ValueConstraints = { ...counts };
  if (enums) out.enumeration = enums;
  if (patterns.length > 0) out.patterns = patterns;
  if (minI !== undefined) out.minInclusive = minI;
  if (maxI !== undefined) out.maxInclusive = maxI;
  if (minX !== undefined) out.minExclusive = minX;
  if (maxX !== undefined) out.maxExclusive = maxX;
  // A bound on one side of a type whose base sets the other by its sign (nonNegativeInteger's 0,
  // positiveInteger's 1, negativeInteger's -1): both shown, `from 0 to 60000` rather than `at most 60000`.
  const base = desc.kind === 'atomic' ? BUILTINS[desc.builtin] : undefined;
  const low = minI !== undefined || minX !== undefined;
  const high = maxI !== undefined || maxX !== undefined;
  if (base?.min !== undefined && (base.min === 0 || base.min === 1) && high && !low)
    out.minInclusive = String(base.min);
  if (base?.max !== undefined && (base.max === 0 || base.max === -1) && low && !high)
    out.maxInclusive = String(base.max);
  if (desc.kind === 'list') {
    out.list = true;
    const items = constraintsFrom(desc.item);
    if (Object.keys(items).length > 0) out.items = items;
  }
  return out;
}

const plain = (builtin: string): SimpleDesc => ({ kind: 'atomic', builtin, facets: { patterns: [] } });

function describeType(type: QName, at: XsNode, ctx: ValueContext, depth: number): SimpleDesc {
  const { namespaceUri, localName } = splitQName(type);
  if (namespaceUri === XS_NS) {
    const item = LIST_BUILTINS[localName];
    return item ? { kind: 'list', item: plain(item), facets: { patterns: [] } } : plain(localName);
  }
  const node = ctx.set.components.simpleType.get(type) ?? ctx.set.components.complexType.get(type);
  if (!node || depth > MAX_TYPE_DEPTH) {
    ctx.problems.push({
      file: at.file.path,
      line: at.line,
      message: `unknown or circular simple type ${type}`,
    });
    return plain('string');
  }
  return describeNode(node, ctx, depth + 1);
}

function describeNode(node: XsNode, ctx: ValueContext, depth: number): SimpleDesc {
  if (node.kind === 'simpleType' || node.kind === 'complexType' || node.kind === 'simpleContent') {
    const inner = childOf(node, 'restriction', 'list', 'union', 'simpleContent', 'extension');
    return inner ? describeNode(inner, ctx, depth + 1) : plain('string');
  }
  if (node.kind === 'list') {
    const inline = childOf(node, 'simpleType');
    const item = node.attrs.itemType
      ? describeType(resolveRef(node, node.attrs.itemType), node, ctx, depth + 1)
      : inline
        ? describeNode(inline, ctx, depth + 1)
        : plain('string');
    return { kind: 'list', item, facets: { patterns: [] } };
  }
  if (node.kind === 'union') {
    const named = (node.attrs.memberTypes ?? '').split(/\s+/).filter(Boolean);
    const members = [
      ...named.map((m) => describeType(resolveRef(node, m), node, ctx, depth + 1)),
      ...node.children.filter((c) => c.kind === 'simpleType').map((c) => describeNode(c, ctx, depth + 1)),
    ];
    return { kind: 'union', members, facets: { patterns: [] } };
  }
  // restriction or extension: the base, narrowed by this node's facets (an extension adds none).
  const inline = childOf(node, 'simpleType');
  const base = node.attrs.base
    ? describeType(resolveRef(node, node.attrs.base), node, ctx, depth + 1)
    : inline
      ? describeNode(inline, ctx, depth + 1)
      : plain('string');
  return node.kind === 'restriction' ? { ...base, facets: narrow(base.facets, node) } : base;
}

function narrow(base: Facets, restriction: XsNode): Facets {
  const out: Facets = { ...base, patterns: [...base.patterns] };
  const enums: string[] = [];
  const patterns: string[] = [];
  for (const facet of restriction.children) {
    const value = facet.attrs.value;
    if (value === undefined) continue;
    switch (facet.kind) {
      case 'enumeration':
        enums.push(value);
        break;
      case 'pattern':
        patterns.push(value);
        break;
      case 'minInclusive':
      case 'maxInclusive':
      case 'minExclusive':
      case 'maxExclusive':
        out[`${facet.kind.slice(0, 3) as 'min' | 'max'}${facet.kind.endsWith('Inclusive') ? 'I' : 'X'}`] =
          value;
        break;
      case 'length':
      case 'minLength':
      case 'maxLength':
      case 'totalDigits':
      case 'fractionDigits':
        out[facet.kind] = Number(value);
        break;
    }
  }
  if (enums.length > 0) out.enums = enums;
  if (patterns.length > 0) out.patterns.push(patterns);
  return out;
}

function render(desc: SimpleDesc, ctx: ValueContext): string {
  const f = desc.facets;
  if (desc.kind !== 'atomic' && f.enums?.[0] !== undefined) return f.enums[0];
  if (desc.kind === 'union') return desc.members[0] ? render(desc.members[0], ctx) : 'text';
  if (desc.kind === 'list') {
    const count = Math.min(f.length ?? Math.max(1, f.minLength ?? 1), f.maxLength ?? Infinity);
    return Array.from({ length: count }, () => render(desc.item, ctx)).join(' ');
  }
  const builtin = BUILTINS[desc.builtin] ?? { sample: 'text' };
  const accepts = (v: string): boolean =>
    matches(v, f.patterns) && lengthFits(v, desc.builtin, f) && numberFits(v, builtin, f);
  if (f.enums?.[0] !== undefined) return f.enums.find(accepts) ?? f.enums[0];
  let value: string;
  if (builtin.num === 'int' || (builtin.num === 'dec' && (f.fractionDigits === 0 || f.totalDigits === 1)))
    value = integerWithin(builtin, f);
  else if (builtin.num === 'dec') value = decimalWithin(builtin, f);
  else if (desc.builtin === 'ID') value = `id${++ctx.ids}`;
  else value = f.minI ?? f.maxI ?? builtin.sample;
  value = fitLength(value, desc.builtin, f);
  if (f.patterns.length === 0) return value;
  const generated = f.patterns.flat().flatMap(patternSamples);
  const candidates = [value, ...generated, ...FALLBACKS];
  return (
    candidates.find(accepts) ??
    candidates.map((c) => fitLength(c, desc.builtin, f)).find(accepts) ??
    'example'
  );
}

function matches(value: string, patterns: string[][]): boolean {
  // A pattern JS cannot express is not held against the value: nothing better can be checked here.
  return patterns.every((step) => step.some((p) => xsdPatternToRegExp(p)?.test(value) ?? true));
}

function lengthOf(value: string, builtin: string): number {
  if (builtin === 'hexBinary') return value.length / 2;
  if (builtin === 'base64Binary') return Buffer.from(value, 'base64').length;
  return [...value].length;
}

function lengthFits(value: string, builtin: string, f: Facets): boolean {
  const n = lengthOf(value, builtin);
  return (f.length ?? n) === n && n >= (f.minLength ?? 0) && n <= (f.maxLength ?? Infinity);
}

function fitLength(value: string, builtin: string, f: Facets): string {
  const n = lengthOf(value, builtin);
  let target = f.length;
  if (target === undefined && f.minLength !== undefined && n < f.minLength) target = f.minLength;
  if (target === undefined && f.maxLength !== undefined && n > f.maxLength) target = f.maxLength;
  if (target === undefined || target === n) return value;
  if (builtin === 'hexBinary') return '00'.repeat(target);
  if (builtin === 'base64Binary') return Buffer.alloc(target).toString('base64');
  // Repeating the value itself (not padding with some other character) keeps it inside a pattern like [A-Z]+.
  const chars = [...value];
  const cycle = chars.length > 0 ? chars : ['x'];
  return Array.from({ length: target }, (_, i) => cycle[i % cycle.length]).join('');
}

interface Range {
  lo: number;
  loX: boolean;
  hi: number;
  hiX: boolean;
}

function rangeOf(builtin: Builtin, f: Facets): Range {
  const r: Range = { lo: builtin.min ?? -Infinity, loX: false, hi: builtin.max ?? Infinity, hiX: false };
  if (f.minI !== undefined && Number(f.minI) > r.lo) Object.assign(r, { lo: Number(f.minI), loX: false });
  if (f.minX !== undefined && Number(f.minX) >= r.lo) Object.assign(r, { lo: Number(f.minX), loX: true });
  if (f.maxI !== undefined && Number(f.maxI) < r.hi) Object.assign(r, { hi: Number(f.maxI), hiX: false });
  if (f.maxX !== undefined && Number(f.maxX) <= r.hi) Object.assign(r, { hi: Number(f.maxX), hiX: true });
  return r;
}

function numberFits(value: string, builtin: Builtin, f: Facets): boolean {
  if (!builtin.num) return true;
  const lexical = builtin.num === 'int' ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const r = rangeOf(builtin, f);
  const v = Number(value);
  return lexical.test(value) && (r.loX ? v > r.lo : v >= r.lo) && (r.hiX ? v < r.hi : v <= r.hi);
}

function integerWithin(builtin: Builtin, f: Facets): string {
  const r = rangeOf(builtin, f);
  const lo = r.loX ? Math.floor(r.lo) + 1 : Math.ceil(r.lo);
  const hi = r.hiX ? Math.ceil(r.hi) - 1 : Math.floor(r.hi);
  const value = Math.max(lo, Math.min(hi, 1));
  return Number.isFinite(value) ? BigInt(value).toString() : '1';
}

function decimalWithin(builtin: Builtin, f: Facets): string {
  const r = rangeOf(builtin, f);
  const inside = (v: number): boolean => (r.loX ? v > r.lo : v >= r.lo) && (r.hiX ? v < r.hi : v <= r.hi);
  let value = 1.5;
  if (!inside(value)) {
    if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) value = (r.lo + r.hi) / 2;
    else if (Number.isFinite(r.lo)) value = r.lo + 1;
    else value = r.hi > 0 ? r.hi / 2 : r.hi - 1;
  }
  const digits = f.fractionDigits;
  if (digits !== undefined && !inside(Number(value.toFixed(digits)))) return String(value);
  const text = digits !== undefined ? String(Number(value.toFixed(digits))) : String(value);
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}
