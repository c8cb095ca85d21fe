import { canonicalAsIs, canonicalizeDocument, relativeNamespace } from '../../xml/index.ts';
import type { CanonicalXml } from '../../xml/index.ts';
import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';
import type { PipelineError } from '../delivery.ts';

/**
 * Step 3: exclusive C14N of the whole document: the stored, hashed form. For an engine-built message
 * the document is the payload itself; for an envelope, the envelope step cuts the payload's own
 * canonical form out of this one. Text that is in that form already, as most programs write it, is
 * kept as it came (canonical-as-is.ts): reading it costs a tenth of writing the tree out again.
 */
export const canonicalize: Step = (m) => {
  if (!m.doc) return m;
  if (m.intake.origin === 'internal' && m.intake.canonical) {
    // Exclusive C14N of canonical XML gives it back unchanged (canonical.test.ts).
    m.canonical = m.payloadXml = m.intake.raw as CanonicalXml;
    return m;
  }
  try {
    m.canonical = canonicalAsIs(m.intake.raw) ?? canonicalizeDocument(m.doc);
  } catch (err) {
    return reject(m, uncanonical(m.intake.raw, err));
  }
  if (m.intake.origin === 'internal') m.payloadXml = m.canonical;
  return m;
};

/**
 * The canonical form of a parsed document, or why it has none (`uncanonical`): the composer's payload
 * (wrap-payload.ts) and its check before sending (check-payload.ts) meet the refusal the pipeline gives.
 */
export function canonicalOf(
  doc: Parameters<typeof canonicalizeDocument>[0],
  raw: string,
): { ok: true; canonical: CanonicalXml } | { ok: false; error: PipelineError } {
  try {
    return { ok: true, canonical: canonicalizeDocument(doc) };
  } catch (err) {
    return { ok: false, error: uncanonical(raw, err) };
  }
}

/**
 * Why well-formed XML has no canonical form: libxml2 says only that it failed, and the one cause XML
 * allows is a namespace declared with a relative URI, which the C14N specification makes an error.
 */
function uncanonical(raw: string | Uint8Array, err: unknown): PipelineError {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const relative = relativeNamespace(text);
  if (!relative) {
    const message = `the document has no canonical form (exclusive C14N): ${(err as Error).message}`;
    return { code: 'MALFORMED_XML', message, problems: [{ message }] };
  }
  const { prefix, uri, line } = relative;
  const message = `namespace "${uri}" (xmlns${prefix ? `:${prefix}` : ''}) is a relative URI, which canonical XML refuses: declare namespaces with absolute URIs (urn:…, https://…)`;
  return { code: 'MALFORMED_XML', message, problems: [{ message, line }] };
}
