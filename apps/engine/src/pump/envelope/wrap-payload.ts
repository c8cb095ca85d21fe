import { ENVELOPE_NS } from '@organism/shared';
import type { PipelineError } from '../delivery.ts';
import { element, Markup, parseUntrusted } from '../../xml/index.ts';
import { canonicalOf } from '../steps/canonicalize.ts';

/**
 * An envelope around a payload given as text (the console's composer): the payload is parsed and
 * canonicalized first, so only well-formed markup is embedded and meta values are escaped; a payload with no
 * canonical form (a relative namespace URI) is refused as the pipeline refuses it, MALFORMED_XML.
 */
export function wrapPayload(
  meta: { from: string; to?: string; thread?: string },
  payloadXml: string,
  maxBytes: number,
): { ok: true; xml: string } | { ok: false; error: PipelineError } {
  const parsed = parseUntrusted(payloadXml, { maxBytes });
  if (!parsed.ok)
    return { ok: false, error: { code: parsed.code, message: parsed.message, problems: parsed.problems } };
  let canonical;
  try {
    canonical = canonicalOf(parsed.doc, payloadXml);
  } finally {
    parsed.doc.dispose();
  }
  if (!canonical.ok) return canonical;
  const xml = element(
    'env:message',
    { 'xmlns:env': ENVELOPE_NS },
    element(
      'env:meta',
      {},
      element('env:from', {}, meta.from),
      meta.to ? element('env:to', {}, meta.to) : null,
      meta.thread ? element('env:thread', {}, meta.thread) : null,
    ),
    Markup.canonical(canonical.canonical),
  ).xml;
  return { ok: true, xml };
}
