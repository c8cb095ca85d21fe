import { INVALID_YAML } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';

/** One listener of organism.yaml as the form shows it: every value as written, or empty. */
export interface ListenerFields {
  name: string;
  description: string;
  schema: string;
  root: string;
  /** The handler module, as written before `#` (e.g. `./handlers/greeter.ts`). */
  module: string;
  exportName: string;
  timeout: string;
  concurrency: string;
  maxAttempts: string;
  initialDelayMs: string;
  maxDelayMs: string;
  agent: boolean;
  peers: string[];
}

/** A form field's place under a listener in the YAML (what problems' key paths name). */
export const FIELD_PATHS = {
  name: ['name'],
  description: ['description'],
  schema: ['payload', 'schema'],
  root: ['payload', 'root'],
  timeout: ['timeout'],
  concurrency: ['concurrency'],
  maxAttempts: ['retry', 'maxAttempts'],
  initialDelayMs: ['retry', 'initialDelayMs'],
  maxDelayMs: ['retry', 'maxDelayMs'],
  agent: ['agent'],
  peers: ['peers'],
} as const;
export type FieldName = keyof typeof FIELD_PATHS | 'handler';

/** The YAML parsed as a document (comments and layout kept), or why it does not parse (the parser's words). */
export function readDocument(text: string): { doc: Document; error?: undefined } | { error: string } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { error: doc.errors[0]?.message ?? 'the YAML does not parse' };
  return { doc };
}

/**
 * Why the YAML does not parse, as the form says it: the engine's problem once it has checked this very
 * text, with its line, in its words (a string never closed is said where it opens, not at the end of the
 * file the parser ran to); until then the parser's own.
 */
export function whyUnparsed(parserSays: string, problems: readonly Problem[] | null): string {
  const yaml = problems?.find((p) => p.message.startsWith(INVALID_YAML));
  return yaml ? `line ${yaml.line}: ${yaml.message.slice(INVALID_YAML.length)}` : parserSays;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The listeners written in the document, in order. */
export function listenersOf(doc: Document): ListenerFields[] {
  const seq = doc.get('listeners');
  if (!isSeq(seq)) return [];
  return seq.items.map((item) => {
    const l = (isMap(item) ? item.toJSON() : {}) as Record<string, unknown>;
    const payload = (l.payload ?? {}) as Record<string, unknown>;
    const retry = (l.retry ?? {}) as Record<string, unknown>;
    const handler = str(l.handler);
    const hash = handler.indexOf('#');
    return {
      name: str(l.name),
      description: str(l.description),
      schema: str(payload.schema),
      root: str(payload.root),
      module: hash < 0 ? handler : handler.slice(0, hash),
      exportName: hash < 0 ? (handler ? 'default' : '') : handler.slice(hash + 1),
      timeout: str(l.timeout),
      concurrency: str(l.concurrency),
      maxAttempts: str(retry.maxAttempts),
      initialDelayMs: str(retry.initialDelayMs),
      maxDelayMs: str(retry.maxDelayMs),
      agent: l.agent === true,
      peers: Array.isArray(l.peers) ? l.peers.map(str) : [],
    };
  });
}

/** The document as text, in the layout it was read in (`[a, b]`, not yaml's default `[ a, b ]`). */
function serialize(doc: Document): string {
  return doc.toString({ flowCollectionPadding: false });
}

/**
 * Sets a scalar in place, so a comment on its line stays; its quoting is left to the writer (a value
 * that started empty was quoted, `""`, and would stay quoted otherwise).
 */
function setScalar(doc: Document, path: (string | number)[], value: string | number | boolean): void {
  const node = doc.getIn(path, true);
  if (isScalar(node)) {
    node.value = value;
    node.type = undefined;
  } else doc.setIn(path, value);
}

/** A number typed in a text field stays a number in the YAML; anything else ("5s") stays text. */
function scalar(value: string): string | number {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/**
 * The text with one field of listener `index` set (or removed, when empty and optional), edited through
 * the YAML document so that comments and the layout of everything else survive.
 */
export function setField(
  text: string,
  index: number,
  field: FieldName,
  value: string | boolean | string[],
  fields?: ListenerFields,
): string {
  const read = readDocument(text);
  if (read.error !== undefined) return text;
  const { doc } = read;
  const at = (path: readonly string[]): (string | number)[] => ['listeners', index, ...path];
  if (field === 'handler') {
    const f = fields;
    setScalar(doc, at(['handler']), f?.module ? `${f.module}#${f.exportName || 'default'}` : String(value));
    return serialize(doc);
  }
  const path = FIELD_PATHS[field];
  const empty = value === '' || value === false || (Array.isArray(value) && value.length === 0);
  // Required keys are kept (empty) so that the engine names what is missing at their line.
  const required = field === 'name' || field === 'description' || field === 'schema';
  if (empty && !required) {
    doc.deleteIn(at(path));
    // A retry block left empty goes too: `retry: {}` would say nothing.
    const retry = doc.getIn(at(['retry']));
    if (isMap(retry) && retry.items.length === 0) doc.deleteIn(at(['retry']));
  } else if (Array.isArray(value)) {
    const node = doc.createNode(value);
    node.flow = true;
    doc.setIn(at(path), node);
  } else setScalar(doc, at(path), typeof value === 'string' ? scalar(value) : value);
  return serialize(doc);
}

/** The text with a new listener appended, its required keys present and empty for the author to fill. */
export function addListener(text: string, name: string): { text: string; index: number } {
  const read = readDocument(text);
  if (read.error !== undefined) return { text, index: -1 };
  const { doc } = read;
  let seq = doc.get('listeners');
  if (!isSeq(seq)) {
    doc.set('listeners', doc.createNode([]));
    seq = doc.get('listeners');
  }
  if (!isSeq(seq)) return { text, index: -1 };
  seq.items.push(doc.createNode({ name, description: '', payload: { schema: '' }, handler: '' }));
  return { text: serialize(doc), index: seq.items.length - 1 };
}

/**
 * The engine's problems for listener `index`, per form field: a problem's key path
 * (`listeners[3].payload.schema`) names its field. The first problem per field; the rest are in the list.
 */
export function fieldProblems(
  problems: readonly Problem[],
  index: number,
): Partial<Record<FieldName, string>> {
  const out: Partial<Record<FieldName, string>> = {};
  const prefix = `listeners[${index}]`;
  for (const p of problems) {
    if (!isAbout(p, index)) continue;
    const rest = (p.path ?? '').slice(prefix.length).replace(/^\./, '');
    const field = fieldOf(rest);
    if (field) out[field] ??= p.message;
  }
  return out;
}

/** Whether a problem is about listener `index`: the listener, or a field of it (not `listeners[10]` for 1). */
function isAbout(p: Problem, index: number): boolean {
  const prefix = `listeners[${index}]`;
  return (
    p.path === prefix ||
    p.path?.startsWith(`${prefix}.`) === true ||
    p.path?.startsWith(`${prefix}[`) === true
  );
}

/** How many of the engine's problems are about listener `index`: for the form's picker. */
export function problemCount(problems: readonly Problem[], index: number): number {
  return problems.filter((p) => isAbout(p, index)).length;
}

function fieldOf(path: string): FieldName | undefined {
  if (path === 'handler') return 'handler';
  for (const [field, keys] of Object.entries(FIELD_PATHS))
    if (path === keys.join('.') || path.startsWith(`${keys.join('.')}[`)) return field as FieldName;
  if (path === 'payload') return 'schema';
  if (path === 'retry') return 'maxAttempts';
  return undefined;
}

/** The text without listener `index`. */
export function removeListener(text: string, index: number): string {
  const read = readDocument(text);
  if (read.error !== undefined) return text;
  read.doc.deleteIn(['listeners', index]);
  return serialize(read.doc);
}
