import { LineCounter, isNode, parseDocument } from 'yaml';
import type { Document } from 'yaml';

/** A parsed YAML document that can say where any key path sits (1-based line and column). */
export interface YamlLocated {
  doc: Document;
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

/** Parses YAML keeping positions; a missing key is located at its nearest existing parent. */
export function parseLocatedYaml(text: string): YamlLocated {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: readonly (string | number)[]): { line: number; column: number } | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  return { doc, locate };
}

/** `['listeners', 2, 'payload', 'schema']` → `listeners[2].payload.schema`. */
export function formatKeyPath(path: readonly (string | number | symbol)[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
