import type { z } from 'zod';
import { knownKeysAt, suggestKey } from './suggest-key.ts';

/** A problem still without its file position: where in the key tree, and what is wrong. */
export interface KeyProblem {
  path: (string | number)[];
  message: string;
  /** Another place the problem is about (the first listener of a duplicate name): said with its file and line. */
  also?: (string | number)[];
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of keys',
};

/**
 * Words a zod issue for someone editing the YAML: a missing key says so, a wrong type shows what was
 * found, and an unknown key becomes one problem per key, with the key it was probably meant to be.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, schema: z.ZodType): KeyProblem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, path);
    return issue.keys.map((key) => {
      const guess = suggestKey(key, known);
      const hint = guess
        ? `; did you mean "${guess}"?`
        : known.length
          ? ` (known keys: ${known.join(', ')})`
          : '';
      return { path: [...path, key], message: `unknown key "${key}"${hint}` };
    });
  }
  if (issue.code === 'invalid_type') {
    const found = valueAt(raw, path);
    const key = path[path.length - 1];
    if (found === undefined && typeof key === 'string') return [{ path, message: 'required key is missing' }];
    return [
      {
        path,
        message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(found)}${meant(issue.expected, found)}`,
      },
    ];
  }
  return [{ path, message: issue.message }];
}

/** Words YAML 1.1 read as true or false, and YAML 1.2 (this parser) reads as text. */
const YAML11_BOOLEANS: Record<string, boolean> = {
  yes: true,
  y: true,
  on: true,
  no: false,
  n: false,
  off: false,
};
/** A number written with its thousands apart: 1,000 or 1 000 or 1_000 (YAML 1.2 reads each as text). */
const GROUPED_NUMBER = /^-?\d{1,3}(?:([,_ ])\d{3})(?:\1\d{3})*(?:\.\d+)?$/;

/**
 * What a value of the wrong type was plainly meant to be, when that is plain: `yes` for true (the YAML
 * of older tools), `1,000` for a number. Only ever said, never taken: the file says what it means.
 */
function meant(expected: string, found: unknown): string {
  if (typeof found !== 'string') return '';
  const word = YAML11_BOOLEANS[found.toLowerCase()];
  if (expected === 'boolean' && word !== undefined)
    return ` (YAML reads yes, no, on and off as text: write ${String(word)})`;
  if ((expected === 'number' || expected === 'int') && GROUPED_NUMBER.test(found))
    return ` (write it without separators: ${found.replace(/[,_ ]/g, '')})`;
  // `pump:\n  maxDepth:5` is the text "maxDepth:5": a colon ends a key only before a space.
  if (expected === 'object' && /^[^\s:#]+:\S/.test(found))
    return ` (a key needs a space after its ":": write ${found.replace(':', ': ')})`;
  return '';
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function describeValue(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map of keys';
  const shown = JSON.stringify(v);
  return `${typeof v === 'string' ? 'text' : typeof v} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
}
