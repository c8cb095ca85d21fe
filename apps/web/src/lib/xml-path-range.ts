export interface XmlRange {
  from: number;
  to: number;
  /** Where the element's start tag ends (`to` for an attribute). */
  tagEnd: number;
}

/**
 * Where in an XML text the node of a problem's XPath is, as the engine names it (libxml2's node path:
 * `/o:order/o:line[2]/o:qty`, `*[2]` for an element in a default namespace, `@sku` for an attribute):
 * the offsets of the element from its start tag's `<` to its end tag's `>`, and where its start tag ends
 * (for an attribute: its name to its closing quote, both), for an editor to underline what the problem
 * is about rather than its whole line. Null
 * when the text has no such node (a path clipped at its start, a text edited since).
 *
 * A scanner, not a parser: the text was parsed by the engine, and only its tags are read (comments, CDATA
 * and processing instructions skipped, quoted attribute values whole).
 */
export function xmlPathRange(text: string, path: string): XmlRange | null {
  const steps = parseSteps(path);
  if (!steps) return null;
  const attribute = steps.at(-1)?.name.startsWith('@') ? steps.pop()!.name.slice(1) : null;
  if (steps.length === 0) return null;

  // Walks the tags once. `depth` counts open elements; `on` is how many of them lie on the path, and
  // `seen` how many children of the deepest of those matched the next step's name so far.
  const TOKEN =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][\s\S]*?>|<\/[^\s>]+\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let depth = 0;
  let on = 0;
  let seen = 0;
  let found: { from: number; startEnd: number; depth: number; attrs: string; attrsAt: number } | null = null;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const token = m[0];
    if (token.startsWith('</')) {
      depth--;
      if (found && depth === found.depth)
        return { from: found.from, to: m.index + token.length, tagEnd: found.startEnd };
      if (depth < on) return null; // the element the path went through closed without the next step
      continue;
    }
    const name = m[1];
    if (name === undefined) continue; // a comment, CDATA, a processing instruction, a declaration
    const selfClosing = m[3] === '/';
    if (!found && depth === on) {
      const step = steps[on]!;
      if (step.name === '*' || step.name === name) seen++;
      if (seen === step.index && (step.name === '*' || step.name === name)) {
        on++;
        seen = 0;
        if (on === steps.length) {
          const attrsAt = m.index + 1 + name.length;
          found = { from: m.index, startEnd: m.index + token.length, depth, attrs: m[2] ?? '', attrsAt };
          if (attribute !== null) return attributeRange(found.attrs, found.attrsAt, attribute);
          if (selfClosing) return { from: found.from, to: found.startEnd, tagEnd: found.startEnd };
        }
      }
    }
    if (!selfClosing) depth++;
    else if (depth < on) return null;
  }
  return null;
}

/** `/a/b[2]/@c` as steps; null for what is not such a path (a clipped one starts with `…`). */
function parseSteps(path: string): { name: string; index: number }[] | null {
  if (!path.startsWith('/')) return null;
  const steps = [];
  for (const part of path.slice(1).split('/')) {
    const m = /^(@?[^[\]@/]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return null;
    steps.push({ name: m[1]!, index: m[2] ? Number(m[2]) : 1 });
  }
  return steps;
}

function attributeRange(attrs: string, at: number, name: string): XmlRange | null {
  const ATTR = /([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g;
  for (let m = ATTR.exec(attrs); m; m = ATTR.exec(attrs)) {
    const [from, to] = [at + m.index, at + m.index + m[0].length];
    if (m[1] === name) return { from, to, tagEnd: to };
  }
  return null;
}
