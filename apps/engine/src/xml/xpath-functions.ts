/** The functions of XPath 1.0, which libxml2 has, and the node tests written like calls. */
const XPATH_FUNCTIONS = new Set([
  'last',
  'position',
  'count',
  'id',
  'local-name',
  'namespace-uri',
  'name',
  'string',
  'concat',
  'starts-with',
  'contains',
  'substring-before',
  'substring-after',
  'substring',
  'string-length',
  'normalize-space',
  'translate',
  'boolean',
  'not',
  'true',
  'false',
  'lang',
  'number',
  'sum',
  'floor',
  'ceiling',
  'round',
  'node',
  'text',
  'comment',
  'processing-instruction',
  // Operators, which may stand before a bracket: `a and (b)`.
  'and',
  'or',
  'div',
  'mod',
]);

/** The first name called as a function in `expression` that XPath 1.0 does not have; string literals are skipped. */
export function unknownFunction(expression: string): string | undefined {
  const calls = /("[^"]*"|'[^']*')|([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(/g;
  for (const [, literal, name] of expression.matchAll(calls)) {
    if (literal === undefined && name !== undefined && !XPATH_FUNCTIONS.has(name)) return name;
  }
  return undefined;
}

/**
 * Whether a predicate of `expression` reaches up or back to the top of the payload: an absolute path
 * (`/r`, `//a`), `..` or a `parent`, `ancestor` or `ancestor-or-self` axis inside `[…]`. Such a predicate
 * may take the string value of a node as large as the payload for every node it is tried on
 * (`//*[contains(string(/), 'x')]`, `//a[contains(.., 'x')]`): libxml2 counts that as one step, so the
 * work grows with the square of the payload without reaching the step bound. String literals are skipped.
 */
export function reachesUpInPredicate(expression: string): boolean {
  let depth = 0;
  // The last token outside of spaces: whether a `/` after it starts a path or continues one.
  let before = '';
  const tokens = /("[^"]*"|'[^']*')|(\.\.)|([A-Za-z_][\w.-]*)\s*(::)?|(\S)/g;
  for (const [, literal, parent, name, axis, char] of expression.matchAll(tokens)) {
    if (literal !== undefined) before = 'literal';
    else if (parent !== undefined) {
      if (depth > 0) return true;
      before = '..';
    } else if (name !== undefined) {
      if (depth > 0 && axis && /^(parent|ancestor|ancestor-or-self)$/.test(name)) return true;
      // An operator name stands where a path may start: `a and /b`.
      before = /^(and|or|div|mod)$/.test(name) && before !== '' && !STARTS.has(before) ? 'operator' : 'name';
    } else if (char === '[') {
      depth++;
      before = '[';
    } else if (char === ']') {
      depth = Math.max(0, depth - 1);
      before = ']';
    } else if (char === '/') {
      if (depth > 0 && STARTS.has(before)) return true;
      before = '/';
    } else before = char ?? '';
  }
  return false;
}

/** What a path may start after: the start of a predicate, an opening bracket, an argument's comma, an operator. */
const STARTS = new Set(['[', '(', ',', '|', '=', '<', '>', '+', '-', 'operator']);
