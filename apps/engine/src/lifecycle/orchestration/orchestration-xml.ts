import { SYSTEM_NS } from '@organism/shared';
import { element, Markup } from '../../xml/index.ts';
import type { CanonicalXml, Child } from '../../xml/index.ts';

/** One item's outcome in a BufferComplete. */
export interface ItemResult {
  success: boolean;
  missing?: boolean;
  reason?: string;
  xml?: string;
}

/**
 * A system message. Prefixed, not in a default namespace: a carried payload in no namespace keeps it
 * without an `xmlns=""` of its own.
 */
const sys = (name: string, ...children: Child[]): string =>
  element(`s:${name}`, { 'xmlns:s': SYSTEM_NS }, ...children).xml;
const el = (name: string, attributes: Record<string, string | undefined>, ...children: Child[]): Markup =>
  element(`s:${name}`, attributes, ...children);
const embed = (xml: string): Markup => Markup.canonical(xml as CanonicalXml);

export function sequenceCompleteXml(resultXml: string, steps: number): string {
  return sys('SequenceComplete', el('result', {}, embed(resultXml)), el('steps', {}, steps));
}

export function sequenceErrorXml(failedStep: string, index: number, reason: string): string {
  return sys(
    'SequenceError',
    el('failedStep', {}, failedStep),
    el('index', {}, index),
    el('reason', {}, reason),
  );
}

export function bufferDispatchedXml(items: number): string {
  return sys('BufferDispatched', el('items', {}, items));
}

export function bufferCompleteXml(results: readonly ItemResult[]): string {
  const count = (f: (r: ItemResult) => boolean): number => results.filter(f).length;
  return sys(
    'BufferComplete',
    el(
      'succeeded',
      {},
      count((r) => r.success),
    ),
    el(
      'failed',
      {},
      count((r) => !r.success && !r.missing),
    ),
    el(
      'missing',
      {},
      count((r) => r.missing === true),
    ),
    el(
      'results',
      {},
      ...results.map((r, index) =>
        el(
          'result',
          {
            index: String(index),
            ...(r.missing ? { missing: 'true' } : {}),
            ...(r.reason !== undefined ? { reason: r.reason } : {}),
            success: String(r.success),
          },
          ...(r.xml ? [embed(r.xml)] : []),
        ),
      ),
    ),
  );
}
