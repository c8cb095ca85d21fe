import type { YAMLError } from 'yaml';

/**
 * Where a line's structure starts, by column (0-based, in spaces): a list item's "-" or a key, with the
 * 1-based line it is on.
 */
interface Mark {
  column: number;
  line: number;
  /** The key written there; undefined for a "-". */
  key?: string;
}

/** A key at the start of what a line holds (after its indentation and any "- "): `name:`, `"a b":`. */
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'[\]{},][^#]*?):(?=\s|$)/;
/** A value that opens a block scalar (`|`, `>-`, `|2+`), whose lines below are text, not keys. */
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;

/**
 * A key out of line with the keys around it, said as the indentation that would fix it: the parser's
 * "All mapping items must start at the same column" and "Sequence item without - indicator" name no
 * column and no key. Said at the line's first character; undefined when the lines above give no key to
 * line it up with, or the indentation holds a tab (the parser says that one plainly).
 */
export function misindented(error: YAMLError, text: string): { offset: number; says: string } | undefined {
  const outOfLine =
    (error.code === 'BAD_INDENT' && /must start at the same column/.test(error.message)) ||
    (error.code === 'MISSING_CHAR' && /^Sequence item without - indicator/.test(error.message)) ||
    error.code === 'BLOCK_AS_IMPLICIT_KEY';
  if (!outOfLine) return undefined;
  // The parser may say it at a comment above the line: the line is the next one that holds something.
  let lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  let line = lineAt(text, lineStart);
  while (/^\s*(#.*)?$/.test(line) && lineStart + line.length < text.length) {
    lineStart += line.length + 1;
    line = lineAt(text, lineStart);
  }
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  const content = line.slice(indent).replace(/\s+#.*$/, '');
  const above = openAbove(text.slice(0, lineStart).split('\n').slice(0, -1));
  if (!above || content === '' || content.startsWith('\t')) return undefined;
  const offset = lineStart + indent;
  if (/^-(\s|$)/.test(content)) return dashOutOfLine(indent, above, offset);
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY') return undefined;
  const key = KEY.exec(content)?.[1];
  const dash = above.find((m) => m.key === undefined && m.column === indent);
  const shallower = above.find((m) => m.key !== undefined && m.column < indent);
  if (dash) {
    const itemKey = above.find((m) => m.line === dash.line && m.key !== undefined);
    if (key === undefined)
      return {
        offset,
        says: `this line lines up with the "-" on line ${dash.line} but has none of its own: begin it with "- " to make it an item of that list`,
      };
    if (itemKey)
      return {
        offset,
        says: `this key lines up with the "-" on line ${dash.line}, not with the keys of that item: indent it ${beside(itemKey)}${shallower ? `, or ${beside(shallower)}` : ''}`,
      };
    return {
      offset,
      says: `this key lines up with the "-" on line ${dash.line}: begin it with "- " to make it an item of that list${shallower ? `, or indent it ${beside(shallower)}` : ''}`,
    };
  }
  if (key === undefined) return undefined;
  const deeper = above.filter((m) => m.key !== undefined && m.column > indent).at(-1);
  const options = [deeper, shallower].filter((m): m is Mark => m !== undefined).map(beside);
  if (options.length === 0) return undefined;
  return {
    offset,
    says: `this key is indented ${spaces(indent)}, and no key above it is: indent it ${options.join(', or ')}`,
  };
}

/**
 * A key left of the file's first key, said with the indentation that would fix it. A file whose first
 * key is indented (`  name: demo`, pasted from a larger file, say) sets the column of its top level
 * there, and the parser reads a key further left below it as "Unexpected scalar at node end".
 */
export function leftOfTop(error: YAMLError, text: string): { offset: number; says: string } | undefined {
  if (error.code !== 'UNEXPECTED_TOKEN' || !/^Unexpected scalar at node end/.test(error.message))
    return undefined;
  const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const line = lineAt(text, lineStart);
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  const key = KEY.exec(line.slice(indent))?.[1];
  const lines = text.slice(0, lineStart).split('\n');
  const firstAt = lines.findIndex((l) => !/^\s*(#.*)?$/.test(l));
  const first = lines[firstAt];
  if (key === undefined || first === undefined || first.startsWith('\t')) return undefined;
  const top = marksOf(first.trimStart(), first.length - first.trimStart().length, firstAt + 1).marks[0];
  if (top?.key === undefined || top.column <= indent) return undefined;
  return {
    offset: lineStart + indent,
    says: `this key is indented ${spaces(indent)}, and the file's first key, ${quoted(top.key)} (line ${top.line}), is indented ${top.column}: the keys of a file's top level line up with its first, so take the ${spaces(top.column - indent)} before ${quoted(top.key)} off${indent === 0 ? '' : `, or indent this key ${top.column}`}`,
  };
}

/** A tab in a line's indentation, said with what to write instead: YAML indents with spaces only. */
export function tabIndented(error: YAMLError, text: string): { offset: number; says: string } | undefined {
  if (error.code !== 'TAB_AS_INDENT') return undefined;
  const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const tab = lineAt(text, lineStart).indexOf('\t');
  return {
    offset: lineStart + Math.max(tab, 0),
    says: 'this line is indented with a tab, and YAML indents with spaces only: write spaces in its place',
  };
}

/**
 * A list item whose "-" lines up with no "-" above it: the columns of the items it may go with, or, with no
 * list above, the keys it stands among.
 */
function dashOutOfLine(
  indent: number,
  above: readonly Mark[],
  offset: number,
): { offset: number; says: string } | undefined {
  const dashes = above.filter((m) => m.key === undefined);
  const deeper = dashes.filter((m) => m.column > indent).at(-1);
  const shallower = dashes.find((m) => m.column < indent);
  const options = [deeper, shallower]
    .filter((m): m is Mark => m !== undefined)
    .map((m) => `${m.column} to go with the item on line ${m.line}`);
  const key = above.find((m) => m.key !== undefined && m.column === indent);
  if (options.length === 0 && key)
    return {
      offset,
      says: `this list item lines up with the key ${quoted(key.key ?? '')} (line ${key.line}): one level holds keys or list items, not both; put the list under a key of its own`,
    };
  if (options.length === 0 || dashes.some((m) => m.column === indent)) return undefined;
  return {
    offset,
    says: `this "-" is indented ${spaces(indent)}, and no "-" above it is: indent it ${options.join(', or ')}`,
  };
}

/** The line that starts at `offset`, without its newline. */
export function lineAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end < 0 ? undefined : end);
}

/** An indentation that would put a key beside `m`, and where that is. */
const beside = (m: Mark): string => `${m.column} to go with ${quoted(m.key ?? '')} (line ${m.line})`;

/** A key as the messages show it: in double quotes, unless written in quotes already. */
const quoted = (key: string): string => (/^["']/.test(key) ? key : `"${key}"`);

const spaces = (n: number): string => `${n} ${n === 1 ? 'space' : 'spaces'}`;

/**
 * The keys and "-" still open at the end of `lines`, nearest (deepest) first: each one further up that
 * starts left of all found so far. A block scalar's text is skipped; undefined if a tab indents a line.
 */
function openAbove(lines: readonly string[]): Mark[] | undefined {
  const structural: Mark[][] = [];
  let textDeeperThan: number | undefined;
  for (const [i, line] of lines.entries()) {
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const rest = line.slice(indent);
    const blank = rest === '' || rest.startsWith('#');
    if (textDeeperThan !== undefined && (blank || indent > textDeeperThan)) continue;
    textDeeperThan = undefined;
    if (blank) continue;
    if (rest.startsWith('\t')) return undefined;
    const { marks, value } = marksOf(rest, indent, i + 1);
    const last = marks.at(-1);
    if (!last) continue;
    structural.push(marks);
    if (BLOCK_SCALAR.test(value)) textDeeperThan = last.column;
  }
  const open: Mark[] = [];
  for (const marks of structural.reverse())
    for (const mark of [...marks].reverse())
      if (mark.column < (open.at(-1)?.column ?? Infinity)) open.push(mark);
  return open;
}

/** A line's "-" marks and its key, left to right, with what follows them (its value). */
function marksOf(rest: string, indent: number, line: number): { marks: Mark[]; value: string } {
  const marks: Mark[] = [];
  let column = indent;
  let text = rest;
  for (let dash = /^-(?:[ ]+|$)/.exec(text); dash; dash = /^-(?:[ ]+|$)/.exec(text)) {
    marks.push({ column, line });
    column += dash[0].length;
    text = text.slice(dash[0].length);
  }
  const key = KEY.exec(text);
  if (key) {
    marks.push({ column, line, key: key[1] });
    text = text.slice(key[0].length);
  }
  return { marks, value: text.trim() };
}
