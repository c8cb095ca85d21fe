import { ENVELOPE_NS } from '@organism/shared';
// From the writer itself, not the xml index: the journal's writer thread builds envelopes too, and the
// index would load libxml2-wasm there (about 170 MB of the thread's memory, for nothing).
import { element, Markup } from '../../xml/xml-writer.ts';
import type { CanonicalXml } from '../../xml/index.ts';
import type { Delivery } from '../delivery.ts';

/**
 * The envelope of one delivery, built with the XML writer (never by pasting text). The `env` prefix
 * lets a payload without a namespace sit inside unchanged, and the result is already in exclusive
 * canonical form, so it is what the journal stores and hashes.
 */
export function buildEnvelope(d: Pick<Delivery, 'from' | 'to' | 'threadId' | 'payloadXml'>): string {
  return element(
    'env:message',
    { 'xmlns:env': ENVELOPE_NS },
    element(
      'env:meta',
      {},
      element('env:from', {}, d.from),
      element('env:to', {}, d.to),
      element('env:thread', {}, d.threadId),
    ),
    Markup.canonical(d.payloadXml as CanonicalXml),
  ).xml;
}
