import { CST, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, Parser, visit } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import { INVALID_YAML } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { inPlainWords, writtenTwice } from './yaml-slips.ts';

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
  const locator = createYamlLocator(doc, lineCounter, text);
  // Out of stack, the parser records the overflow once for each level it unwinds, and what it read
  // past it means nothing: one problem, where it was deepest.
  const deepest = doc.errors
    .filter((e) => TOO_DEEP.test(e.message))
    .reduce<YAMLError | undefined>((d, e) => (d && d.pos[0] >= e.pos[0] ? d : e), undefined);
  const openings =
    doc.errors.length > 0 && !deepest ? unclosedOpenings(text, doc.errors) : new Map<YAMLError, Unclosed>();
  const errors = deepest ? [{ error: deepest, after: 0 }] : syntaxCascade(doc.errors, openings);
  if (errors.length > 0)
    return {
      ok: false,
      problems: errors.map(({ error: e, after }) => {
        const more = after
          ? ` (and ${after} more YAML ${after === 1 ? 'error' : 'errors'} after it, which may only follow from this one)`
          : '';
        // Said where the slip is, in its words: a string or bracket never closed, a key written twice, or a
        // common slip.
        const opening = openings.get(e);
        const slip = opening
          ? { offset: opening.offset, says: unclosedMessage(opening, e, text, locator) }
          : e.code === 'DUPLICATE_KEY'
            ? writtenTwice(doc, e, locator)
            : inPlainWords(e, text, locator);
        if (slip)
          return {
            file: shown,
            ...locator.position(slip.offset),
            message: `${INVALID_YAML}${slip.says}${more}`,
          };
        const at = locator.position(pastIndentation(text, e.pos[0]));
        return { file: shown, ...at, message: `${yamlMessage(e, at.line)}${more}` };
      }),
    };
  try {
    return { ok: true, raw: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locator };
  } catch (err) {
    // An alias to no anchor is found only here, as the document becomes data: said at the alias.
    const alias = /^Unresolved alias[^:]*: (.+)$/.exec((err as Error).message)?.[1];
    const at = alias === undefined ? undefined : aliasAt(doc, alias);
    const where = at === undefined ? { line: 1, column: 1 } : locator.position(at);
    return { ok: false, problems: [{ file: shown, ...where, message: yamlMessage(err as Error) }] };
  }
}

/** Where the first alias `*name` of the document is written. */
function aliasAt(doc: Document, name: string): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.source !== name || !node.range) return undefined;
      at = node.range[0];
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * The errors worth reading: a key written twice is a fault of its own, each one said; of the syntax errors,
 * only the first in the file (with how many come after it): where the parser lost its way, it reads what
 * follows wrongly (one missing `]` is five errors), and those go once the first is fixed. An error of a
 * string or a bracket never closed counts from where that opened (the parser finds it far below, after
 * the errors that follow from it); a string never closed swallows all that follows, the ends of the
 * brackets open before it too, so those brackets' errors give way to it.
 */
function syntaxCascade(
  errors: readonly YAMLError[],
  openings: ReadonlyMap<YAMLError, Unclosed>,
): { error: YAMLError; after: number }[] {
  const syntax = errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  const began = (e: YAMLError): number => openings.get(e)?.offset ?? e.pos[0];
  const string = [...openings.values()].find((o) => o.quote);
  const swallowed = (e: YAMLError): boolean => {
    const o = openings.get(e);
    return !!string && !!o && !o.quote && o.offset < string.offset;
  };
  // Of two that began at one place, the string's: all the other's text is in it.
  const stringFirst = (e: YAMLError): number => (openings.get(e)?.quote ? 0 : 1);
  const first = syntax
    .filter((e) => !swallowed(e))
    .sort((a, b) => began(a) - began(b) || stringFirst(a) - stringFirst(b))[0];
  return [
    ...errors.filter((e) => e.code === 'DUPLICATE_KEY').map((error) => ({ error, after: 0 })),
    ...(first ? [{ error: first, after: syntax.length - 1 }] : []),
  ].sort((a, b) => a.error.pos[0] - b.error.pos[0]);
}

/** A flow collection's brackets, by the type of the token that opens it. */
const FLOW_CLOSE: Record<string, string> = { 'flow-seq-start': ']', 'flow-map-start': '}' };

/** A quoted string or a flow `[`/`{` never closed: where it opens, its opening and its closing mark. */
interface Unclosed {
  offset: number;
  opens: string;
  closes: string;
  quote: boolean;
}

/**
 * Of the errors, those of a quoted string or a flow `[`/`{` never closed, each with where that opened. The
 * parser finds such a one missing where it gave up (a string at the end of the file, a bracket at the
 * next line back at the block's indentation), far below the fix; the console's editor colours all of a
 * string's run as the string. Its tokens (one more pass, only for a file with errors) say where it opened.
 */
function unclosedOpenings(text: string, errors: readonly YAMLError[]): Map<YAMLError, Unclosed> {
  const openings = new Map<YAMLError, Unclosed>();
  let tokens: ReturnType<typeof openTokens>;
  try {
    tokens = openTokens(text);
  } catch {
    // Nested too deep for the visit's recursion (the parser itself got through): the errors as found.
    return openings;
  }
  const { quoted, flows } = tokens;
  // In the file's order (strings never overlap), so that each error finds its own in a few steps: a file
  // of thousands of unclosed brackets has thousands of errors.
  quoted.sort((a, b) => a.offset - b.offset);
  const outermost = flows.reduce<Unclosed | undefined>(
    (o, f) => (o && o.offset <= f.offset ? o : f),
    undefined,
  );
  for (const error of errors) {
    const at = error.pos[0];
    const quote = error.code === 'MISSING_CHAR' && /closing (["'])quote/.exec(error.message)?.[1];
    const flow =
      error.code === 'BAD_INDENT' && /^Flow (sequence|map) in block collection/.test(error.message);
    // The string that runs on to where its closing quote was found missing: the last to open before it.
    // For a bracket, the first open one before it (the one the block collection around it ran into).
    const last = quote ? quoted[lastBefore(quoted, at)] : undefined;
    const string = last && last.opens === quote && last.end >= at ? last : undefined;
    const bracket = flow && outermost && outermost.offset < at ? outermost : undefined;
    if (quote && string)
      openings.set(error, { offset: string.offset, opens: quote, closes: quote, quote: true });
    else if (bracket) openings.set(error, bracket);
  }
  return openings;
}

/** The index of the last of `sorted` (by offset) that starts before `at`; -1 if none does. */
function lastBefore(sorted: readonly { offset: number }[], at: number): number {
  let [lo, hi] = [0, sorted.length - 1];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.offset ?? Infinity) < at) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

/** The file's quoted strings (each to where it ends), and its flow collections that are never closed. */
function openTokens(text: string): {
  quoted: { offset: number; end: number; opens: string }[];
  flows: Unclosed[];
} {
  const quoted: { offset: number; end: number; opens: string }[] = [];
  const flows: Unclosed[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const t of [item.key, item.value]) {
        if (t?.type === 'double-quoted-scalar' || t?.type === 'single-quoted-scalar')
          quoted.push({ offset: t.offset, end: t.offset + t.source.length, opens: t.source.charAt(0) });
        if (t?.type === 'flow-collection') {
          const closes = FLOW_CLOSE[t.start.type] ?? ']';
          if (!t.end.some((e) => e.source === closes))
            flows.push({ offset: t.offset, opens: t.start.source, closes, quote: false });
        }
      }
    });
  }
  return { quoted, flows };
}

/** What a string or bracket never closed is told as, at its opening. */
function unclosedMessage(opening: Unclosed, error: YAMLError, text: string, locator: YamlLocator): string {
  if (opening.quote)
    return `this string has no closing ${opening.closes}: a quoted string may run on over lines, so all that follows reads as part of it`;
  const end =
    error.pos[0] >= text.trimEnd().length
      ? 'the end of the file'
      : `line ${locator.position(error.pos[0]).line}`;
  return `this ${opening.opens} is never closed: its ${opening.closes} is missing before ${end}`;
}

/**
 * An offset in a line's indentation moved to what the line holds: the parser says a key indented wrong
 * ("All mapping items must start at the same column") at the line's first space, and the editor would
 * underline a space at the margin.
 */
function pastIndentation(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (!/^ *$/.test(text.slice(lineStart, offset))) return offset;
  // Spaces only: a tab in the indentation is itself the error ("Tabs are not allowed as indentation").
  const content = /[^ ]/.exec(text.slice(offset));
  return content && !text.slice(offset, offset + content.index).includes('\n')
    ? offset + content.index
    : offset;
}

/**
 * A YAML error in words: the parser's own, except where it ran out of stack, whose words say nothing of
 * the file: that is lists or maps nested a few thousand deep.
 */
function yamlMessage(err: Error, line?: number): string {
  if (!TOO_DEEP.test(err.message)) return `${INVALID_YAML}${err.message}`;
  const where = line === undefined ? '' : `, still going deeper at line ${line}`;
  return `${INVALID_YAML}nested too deep to read (lists or maps inside one another${where})`;
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
  /**
   * What a problem with the value at a key path should add, if the way it is written explains it: a
   * plain value that ran on over a line beginning with "-", which YAML reads as more of its text
   * (`- b` with `- c` indented under it is the one item "b - c"), not as a list item.
   */
  noteOn: (path: readonly (string | number)[]) => string | undefined;
}

export function createYamlLocator(doc: Document, lineCounter: LineCounter, text?: string): YamlLocator {
  const position = (offset: number): YamlPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const start = (node: unknown): YamlPosition | undefined =>
    isNode(node) && node.range ? position(node.range[0]) : undefined;

  /** The node at `path` (`exact`: the whole path was there), and where a problem with it is said. */
  const walk = (
    path: readonly (string | number)[],
  ): { node: unknown; found: YamlPosition; exact: boolean } => {
    let node: unknown = doc.contents;
    let found = start(node) ?? { line: 1, column: 1 };
    for (const key of path) {
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) return { node, found, exact: false };
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        if (node === undefined) return { node, found, exact: false };
      } else {
        return { node, found, exact: false };
      }
      // `key:` with nothing after it parses as an empty scalar just past the colon; the key reads better.
      const useKey = keyNode !== undefined && (!isNode(node) || isEmptyScalar(node));
      found = (useKey ? start(keyNode) : start(node)) ?? found;
    }
    return { node, found, exact: true };
  };

  const noteOn = (path: readonly (string | number)[]): string | undefined => {
    const { node, exact } = walk(path);
    if (!exact || text === undefined || !isScalar(node) || node.type !== 'PLAIN' || !node.range)
      return undefined;
    const lines = text.slice(node.range[0], node.range[1]).split('\n');
    const at = lines.findIndex((l, i) => i > 0 && /^\s*-(\s|$)/.test(l));
    const item = lines[at]?.trim();
    if (item === undefined) return undefined;
    const line = position(node.range[0]).line + at;
    return `YAML reads ${JSON.stringify(item)} on line ${line} as more of this text, not as a list item: a "-" indented under a value continues it; line it up with the list's other "-" to make it an item`;
  };

  return { locate: (path) => walk(path).found, position, noteOn };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}
