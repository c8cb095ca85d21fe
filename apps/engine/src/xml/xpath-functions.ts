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
