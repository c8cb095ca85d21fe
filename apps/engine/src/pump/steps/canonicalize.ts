import { canonicalAsIs, canonicalizeDocument } from '../../xml/index.ts';
import type { CanonicalXml } from '../../xml/index.ts';
import type { Step } from '../pipeline-message.ts';

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
  m.canonical = canonicalAsIs(m.intake.raw) ?? canonicalizeDocument(m.doc);
  if (m.intake.origin === 'internal') m.payloadXml = m.canonical;
  return m;
};
