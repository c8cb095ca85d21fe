import { canonicalizeElement, qualifiedName } from '../../xml/index.ts';
import type { Step } from '../pipeline-message.ts';

/**
 * Step 4: exclusive C14N of the payload, the form that is stored, embedded in engine-built envelopes
 * (which are then canonical too) and handed to handlers. Runs after the envelope step, which finds it.
 */
export const canonicalize: Step = (m) => {
  const payload = m.payloadElement;
  if (!payload) return m;
  m.root = qualifiedName(payload);
  m.payloadXml = canonicalizeElement(payload);
  return m;
};
