import { z } from 'zod';

/**
 * The keys a strict object of `schema` accepts at `path` (array indexes step into elements), so an
 * unknown key can be answered with what was probably meant. Empty when the path leads elsewhere.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let node = unwrap(schema);
  for (const key of path) {
    if (node instanceof z.ZodObject) node = unwrap((node.shape as Record<string, unknown>)[key]);
    else if (node instanceof z.ZodArray && typeof key === 'number') node = unwrap(node.element);
    else return [];
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** Steps through the wrappers that defaults, optionality and transforms put around a schema. */
function unwrap(node: unknown): unknown {
  for (;;) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault)
      node = node.unwrap();
    else if (node instanceof z.ZodPipe) node = node.in;
    else return node;
  }
}

/** The known key nearest to a misspelt one (two edits away, three for longer words), if any. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  // Longer words survive more slips and still read as the same word ("retries" for "retry").
  const allowed = unknown.length >= 6 ? 3 : 2;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitute));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
