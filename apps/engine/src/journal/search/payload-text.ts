/**
 * What the text index holds of a payload: its text and attribute values, without markup, element or
 * attribute names and namespace declarations. Element names are left out on purpose: every message of a
 * root has the same ones, so they would put each message in the index under every name of its schema
 * (a large index that narrows nothing); XPath is what searches structure.
 *
 * The payload is canonical XML (exclusive C14N), so a `<` only ever starts a tag, attribute values are
 * double-quoted with `"` and `<` escaped, and the only references are the predefined and numeric ones.
 */
export function payloadText(xml: string): string {
  let out = '';
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      out += xml.slice(i);
      break;
    }
    if (lt > i) out += xml.slice(i, lt);
    i = lt + 1;
    // Inside a tag: keep the attribute values (except namespace declarations), skip the rest.
    while (i < n && xml.charCodeAt(i) !== 62 /* > */) {
      if (xml.charCodeAt(i) === 34 /* " */) {
        const end = xml.indexOf('"', i + 1);
        const stop = end < 0 ? n : end;
        if (!isNamespaceDeclaration(xml, i)) out += ' ' + xml.slice(i + 1, stop);
        i = stop + 1;
      } else i++;
    }
    i++;
    out += ' ';
  }
  return out.includes('&') ? decodeReferences(out) : out;
}

/** Whether the attribute whose value opens at `quote` is `xmlns` or `xmlns:p`. */
function isNamespaceDeclaration(xml: string, quote: number): boolean {
  const space = xml.lastIndexOf(' ', quote);
  const name = xml.slice(space + 1, quote - 1);
  return name === 'xmlns' || name.startsWith('xmlns:');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeReferences(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? '';
  });
}
