import type { PayloadCheck } from '@organism/shared';
import { qualifiedName } from '../xml/dom.ts';
import { parseUntrusted } from '../xml/hardened-parser.ts';
import type { Listener } from './listener.ts';

/**
 * Checks a payload as a producer would send it to `listener`, without sending it: well-formed, no DOCTYPE,
 * within the size limit, and valid against the listener's XSD. Problems point at lines and columns of the
 * text as written (the pipeline reports them against the canonical form it validates), so an editor can
 * mark them where the author typed them.
 */
export function checkPayload(listener: Listener, payloadXml: string, maxBytes: number): PayloadCheck {
  const parsed = parseUntrusted(payloadXml, { maxBytes });
  if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message, problems: parsed.problems };
  try {
    const root = parsed.doc.root;
    const problems = listener.schema.validate(root);
    if (problems.length === 0) return { ok: true, root: qualifiedName(root) };
    const message = `payload does not match the contract of ${listener.name}: ${problems[0]?.message ?? ''}`;
    return { ok: false, code: 'SCHEMA_VIOLATION', message, problems };
  } finally {
    parsed.doc.dispose();
  }
}
