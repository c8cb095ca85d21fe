import type { PayloadCheck } from '@organism/shared';
import { qualifiedName } from '../xml/dom.ts';
import { parseUntrusted } from '../xml/hardened-parser.ts';
import type { Listener } from './listener.ts';
import { canonicalOf } from './steps/canonicalize.ts';
import { filterRefusal } from './steps/filter-targets.ts';

/**
 * Checks a payload as a producer would send it to `listener`, without sending it: well-formed, no DOCTYPE,
 * within the size limit, valid against the listener's XSD, and taken by its `filter` (a request root that
 * the filter refuses is FILTER_REJECTED, as the pipeline would refuse it). Problems point at lines and columns of the
 * text as written (the pipeline reports them against the canonical form it validates), so an editor can
 * mark them where the author typed them.
 */
export function checkPayload(listener: Listener, payloadXml: string, maxBytes: number): PayloadCheck {
  const parsed = parseUntrusted(payloadXml, { maxBytes });
  if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message, problems: parsed.problems };
  try {
    // What the pipeline would refuse before its contract: a document with no canonical form.
    const canonical = canonicalOf(parsed.doc, payloadXml);
    if (!canonical.ok) return { ok: false, ...canonical.error, problems: [...canonical.error.problems] };
    const root = parsed.doc.root;
    const problems = listener.schema.validate(root);
    if (problems.length === 0) {
      const name = qualifiedName(root);
      if (!listener.filter || !listener.roots.includes(name) || listener.filter.matches(payloadXml))
        return { ok: true, root: name };
      const message = filterRefusal(listener);
      return { ok: false, code: 'FILTER_REJECTED', message, problems: [{ message }] };
    }
    const message = `payload does not match the contract of ${listener.name}: ${problems[0]?.message ?? ''}`;
    return { ok: false, code: 'SCHEMA_VIOLATION', message, problems };
  } finally {
    parsed.doc.dispose();
  }
}
