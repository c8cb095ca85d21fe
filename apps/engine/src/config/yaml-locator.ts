import { CST, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, Parser } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import type { Problem } from '@organism/shared';

// Anchors and aliases are legal YAML, but thousands of them are an expansion attack, not a config.
const MAX_ALIAS_COUNT = 100;
/** V8's words for a stack overflow, which the YAML parser records as the error of a file nested too deep. */
const TOO_DEEP = /Maximum call stack size exceeded/;

/**
 * Parses one YAML file's text (`shown`: its name in problems) into plain data and a locator for its
 * keys. Syntax errors, repeated keys and alias bombs come back as problems at their line.
 */
export function parseYaml(
  text: string,
  shown: string,
): { ok: true; raw: unknown; locator: YamlLocator } | { ok: false; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locator = createYamlLocator(doc, lineCounter);
  // Out of stack, the parser records the overflow once for each level it unwinds, and what it read
  // past it means nothing: one problem, where it was deepest.
  const deepest = doc.errors
    .filter((e) => TOO_DEEP.test(e.message))
    .reduce<YAMLError | undefined>((d, e) => (d && d.pos[0] >= e.pos[0] ? d : e), undefined);
  const errors = deepest ? [{ error: deepest, after: 0 }] : syntaxCascade(doc.errors);
  if (errors.length > 0)
    return {
      ok: false,
      problems: errors.map(({ error: e, after }) => {
        const more = after
          ? ` (and ${after} more YAML ${after === 1 ? 'error' : 'errors'} after it, which may only follow from this one)`
          : '';
        const opening = unclosedOpening(text, e, locator);
        if (opening) return { file: shown, ...opening.at, message: `invalid YAML: ${opening.says}${more}` };
        const at = locator.position(e.pos[0]);
        return { file: shown, ...at, message: `${yamlMessage(e, at.line)}${more}` };
      }),
    };
  try {
    return { ok: true, raw: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locator };
  } catch (err) {
    return {
      ok: false,
      problems: [{ file: shown, line: 1, column: 1, message: yamlMessage(err as Error) }],
    };
  }
}

/**
 * The errors worth reading: a key written twice is a fault of its own, each one said; of the syntax errors,
 * only the first in the file (with how many come after it): where the parser lost its way, it reads what
 * follows wrongly (one missing `]` is five errors), and those go once the first is fixed.
 */
function syntaxCascade(errors: readonly YAMLError[]): { error: YAMLError; after: number }[] {
  const syntax = errors.filter((e) => e.code !== 'DUPLICATE_KEY').sort((a, b) => a.pos[0] - b.pos[0]);
  const first = syntax[0];
  return [
    ...errors.filter((e) => e.code === 'DUPLICATE_KEY').map((error) => ({ error, after: 0 })),
    ...(first ? [{ error: first, after: syntax.length - 1 }] : []),
  ].sort((a, b) => a.error.pos[0] - b.error.pos[0]);
}

/** A flow collection's brackets, by the type of the token that opens it. */
const FLOW_CLOSE: Record<string, string> = { 'flow-seq-start': ']', 'flow-map-start': '}' };

/**
 * Where a quoted string or a flow `[`/`{` that is never closed opened, and that in words. The parser
 * finds such a one missing where it gave up (a string at the end of the file, a bracket at the next line
 * back at the block's indentation), far below the fix; the console's editor colours all of a string's run
 * as the string. Undefined for any other error.
 */
function unclosedOpening(
  text: string,
  error: YAMLError,
  locator: YamlLocator,
): { at: YamlPosition; says: string } | undefined {
  const quote = error.code === 'MISSING_CHAR' && /closing (["'])quote/.exec(error.message)?.[1];
  const flow = error.code === 'BAD_INDENT' && /^Flow (sequence|map) in block collection/.test(error.message);
  if (!quote && !flow) return undefined;
  const found: { offset: number; opens: string; closes: string }[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const t of [item.key, item.value]) {
        if (!t || t.offset >= error.pos[0]) continue;
        if (quote && (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar')) {
          const runsOn = t.offset + t.source.length >= error.pos[0];
          if (t.source.startsWith(quote) && runsOn)
            found.push({ offset: t.offset, opens: quote, closes: quote });
        }
        if (flow && t.type === 'flow-collection') {
          const closes = FLOW_CLOSE[t.start.type] ?? ']';
          const closed = t.end.some((e) => e.source === closes);
          if (!closed) found.push({ offset: t.offset, opens: t.start.source, closes });
        }
      }
    });
  }
  // The outermost: the one the block collection around it ran into.
  const first = found.sort((a, b) => a.offset - b.offset)[0];
  if (!first) return undefined;
  const at = locator.position(first.offset);
  if (quote)
    return {
      at,
      says: `this string has no closing ${first.closes}: a quoted string may run on over lines, so all that follows reads as part of it`,
    };
  const end =
    error.pos[0] >= text.trimEnd().length
      ? 'the end of the file'
      : `line ${locator.position(error.pos[0]).line}`;
  return { at, says: `this ${first.opens} is never closed: its ${first.closes} is missing before ${end}` };
}

/**
 * A YAML error in words: the parser's own, except where it ran out of stack, whose words say nothing of
 * the file: that is lists or maps nested a few thousand deep.
 */
function yamlMessage(err: Error, line?: number): string {
  if (!TOO_DEEP.test(err.message)) return `invalid YAML: ${err.message}`;
  const where = line === undefined ? '' : `, still going deeper at line ${line}`;
  return `invalid YAML: nested too deep to read (lists or maps inside one another${where})`;
}

/** 1-based line and column in the YAML text. */
export interface YamlPosition {
  line: number;
  column: number;
}

/** Answers where things sit in one parsed YAML document. */
export interface YamlLocator {
  /**
   * Where the value at a key path starts (`['listeners', 2, 'payload', 'schema']`). An empty value is
   * located at its key; a missing key at its nearest existing parent; an empty document at 1:1.
   */
  locate: (path: readonly (string | number)[]) => YamlPosition;
  /** The position of a character offset (YAML errors carry offsets). */
  position: (offset: number) => YamlPosition;
}

export function createYamlLocator(doc: Document, lineCounter: LineCounter): YamlLocator {
  const position = (offset: number): YamlPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const start = (node: unknown): YamlPosition | undefined =>
    isNode(node) && node.range ? position(node.range[0]) : undefined;

  const locate = (path: readonly (string | number)[]): YamlPosition => {
    let node: unknown = doc.contents;
    let found = start(node) ?? { line: 1, column: 1 };
    for (const key of path) {
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        if (node === undefined) break;
      } else {
        break;
      }
      // `key:` with nothing after it parses as an empty scalar just past the colon; the key reads better.
      const useKey = keyNode !== undefined && (!isNode(node) || isEmptyScalar(node));
      found = (useKey ? start(keyNode) : start(node)) ?? found;
    }
    return found;
  };

  return { locate, position };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}
