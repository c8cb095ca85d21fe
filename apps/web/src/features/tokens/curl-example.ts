import { ENVELOPE_NS } from '@organism/shared';

/** `text` in single quotes for a POSIX shell: nothing inside is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A payload inside the envelope: the envelope's namespace is the default one, so a payload root without a
 * namespace of its own must un-declare it (`xmlns=""`), as the demo's traffic does.
 */
export function envelope(from: string, to: string, payloadXml: string): string {
  const name = /^<([\w.-]+)[\s/>]/.exec(payloadXml)?.[1];
  const declares = /^<[^>]*\sxmlns\s*=/.test(payloadXml);
  const payload = name && !declares ? `<${name} xmlns=""${payloadXml.slice(name.length + 1)}` : payloadXml;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<message xmlns="${ENVELOPE_NS}"><meta><from>${esc(from)}</from><to>${esc(to)}</to></meta>${payload}</message>`;
}

/** The request a producer sends with a token, as a curl command (what POST /messages expects). */
export function curlExample(url: string, token: string, body: string): string {
  return [
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H ${shellQuote('content-type: application/xml')} \\`,
    `  -H ${shellQuote(`authorization: Bearer ${token}`)} \\`,
    `  --data-binary ${shellQuote(body)}`,
  ].join('\n');
}
