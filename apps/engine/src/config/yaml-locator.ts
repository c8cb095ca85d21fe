import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
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
        const at = locator.position(e.pos[0]);
        const more = after
          ? ` (and ${after} more YAML ${after === 1 ? 'error' : 'errors'} after it, which may only follow from this one)`
          : '';
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
