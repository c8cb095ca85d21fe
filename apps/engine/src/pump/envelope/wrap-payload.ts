import { ENVELOPE_NS } from '@organism/shared';
import type { PipelineError } from '../delivery.ts';
import { canonicalizeDocument, element, Markup, parseUntrusted } from '../../xml/index.ts';

/**
 * An envelope around a payload given as text (the console's composer): the payload is parsed and
 * canonicalized first, so only well-formed markup is embedded and meta values are escaped.
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
    canonical = canonicalizeDocument(parsed.doc);
  } finally {
    parsed.doc.dispose();
  }
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
    Markup.canonical(canonical),
  ).xml;
  return { ok: true, xml };
}
