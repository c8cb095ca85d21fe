import { isNode, isScalar, visit } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import { leftOfTop, lineAt, misindented, tabIndented } from './yaml-indentation.ts';
import type { YamlLocator } from './yaml-locator.ts';

// The slips of a hand-written YAML file that the parser says in its own words, said as the slip instead,
// where it is fixed. yaml-locator.ts asks these for each error it reports.

/** A key written twice in one map (the parser keeps both), said with the line of the first. */
export function writtenTwice(
  doc: Document,
  error: YAMLError,
  locator: YamlLocator,
): { offset: number; says: string } | undefined {
  let says: string | undefined;
  visit(doc, {
    Map(_, map) {
      const at = map.items.findIndex((p) => isNode(p.key) && p.key.range?.[0] === error.pos[0]);
      const key = map.items[at]?.key;
      if (!isScalar(key)) return undefined;
      const first = map.items.slice(0, at).find((p) => isScalar(p.key) && p.key.value === key.value)?.key;
      if (isScalar(first) && first.range)
        says = `the key ${JSON.stringify(String(key.value))} is written twice in this map, first on line ${locator.position(first.range[0]).line}: a map holds each key once`;
      return visit.BREAK;
    },
  });
  return says === undefined ? undefined : { offset: error.pos[0], says };
}

/** The longest value shown back in quotes, as the way to write it. */
const SHOWN_VALUE = 60;
/** A value shown back in quotes, in parentheses after the words, when it is short enough to read. */
const shownBack = (value: string): string =>
  value.length <= SHOWN_VALUE ? ` (${JSON.stringify(value)})` : '';

/**
 * The parser's words for the commonest slips of a hand-written file, said as the slip, where it is fixed:
 * a key or a list item out of line with those above it or left of the file's first, a tab in the
 * indentation (yaml-indentation.ts), a plain value holding `: `
 * (a description, say), a key indented under one that already has a value, a key with no colon after it
 * or no space after its colon, a list begun on its key's line, and a quote that ends its string early.
 * Undefined for any other error.
 */
export function inPlainWords(
  error: YAMLError,
  text: string,
  locator: YamlLocator,
): { offset: number; says: string } | undefined {
  const at = error.pos[0];
  const outOfLine = misindented(error, text) ?? leftOfTop(error, text) ?? tabIndented(error, text);
  if (outOfLine) return outOfLine;
  // What follows the error's place on its line, its comment left out.
  const line = lineAt(text, at).replace(/\s+#.*$/, '');
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY') {
    // A list item out of line is no value and no key: the parser's words, when its column gave no fix.
    if (/^\s*-(\s|$)/.test(line)) return undefined;
    const value = line.trimEnd();
    if (/:(\s|$)/.test(value)) {
      return {
        offset: at,
        says: `this value holds a colon and a space, which YAML reads as a key of its own: put the value in quotes${shownBack(value)}`,
      };
    }
    // A key indented deeper than the one before it, whose value it would run on from: said at that key.
    const next = /\n[ \t]*(?=[^\s#])/g;
    next.lastIndex = at;
    const found = next.exec(text);
    if (!found) return undefined;
    const key = found.index + found[0].length;
    return {
      offset: key,
      says: `this line is indented deeper than the key on line ${locator.position(at).line}, which already has a value${shownBack(value)}: line its key up with that one`,
    };
  }
  const noValue =
    error.code === 'MULTILINE_IMPLICIT_KEY' ||
    (error.code === 'MISSING_CHAR' && /^Implicit map keys need to be followed/.test(error.message));
  // `maxDepth:5`: a colon ends a key only before a space or the end of the line.
  const glued = noValue ? /^([^\s:#"'-][^\s:]*):(\S.*)$/.exec(line) : null;
  if (glued)
    return {
      offset: at + (glued[1] ?? '').length,
      says: `this ":" has no space after it, so YAML reads ${JSON.stringify(line)} as one word, not a key and its value: write ${JSON.stringify(`${glued[1]}: ${glued[2]}`)}`,
    };
  if (noValue && !/:(\s|$)/.test(line)) {
    return {
      offset: at,
      says: 'this line has no ":" after its key (a key and its value are written "key: value")',
    };
  }
  // `"He said "hi""`: the quote meant to be inside ended the string, and the rest is left over.
  const quote = text.charAt(at - 1);
  if (
    error.code === 'UNEXPECTED_TOKEN' &&
    /^Unexpected scalar at node end/.test(error.message) &&
    (quote === '"' || quote === "'")
  )
    return {
      offset: at - 1,
      says: `this ${quote} ends the string, so what follows it is left over: inside ${quote}…${quote} write a ${quote} as ${quote === '"' ? '\\"' : "''"}, or put the value in ${quote === '"' ? "'…'" : '"…"'}`,
    };
  if (
    error.code === 'UNEXPECTED_TOKEN' &&
    /^Unexpected block-seq-ind on same line with key/.test(error.message)
  )
    return {
      offset: at,
      says: `a list cannot begin on the line of its key: put ${JSON.stringify(line.trim())} on the next line, indented under the key`,
    };
  return undefined;
}
