import { SYSTEM_NS } from '@organism/shared';
import type { SystemErrorPayload } from '@organism/shared';
import { element, Markup } from '../../xml/xml-writer.ts';
import type { CanonicalXml, Child } from '../../xml/index.ts';

export const SYSTEM_ERROR_ROOT = `{${SYSTEM_NS}}SystemError`;
export const BOOT_ROOT = `{${SYSTEM_NS}}Boot`;
export const SEQUENCE_START_ROOT = `{${SYSTEM_NS}}SequenceStart`;
export const BUFFER_START_ROOT = `{${SYSTEM_NS}}BufferStart`;

/**
 * What every listener accepts without declaring it (validated against the engine's own schema): a
 * SystemError, and the results system.sequence and system.buffer send to the listener named to take them.
 */
export const UNDECLARED_ROOTS: ReadonlySet<string> = new Set(
  ['SystemError', 'SequenceComplete', 'SequenceError', 'BufferDispatched', 'BufferComplete'].map(
    (local) => `{${SYSTEM_NS}}${local}`,
  ),
);

/** The payload a sender receives when what it sent failed; it names no listener and no peer. */
export function systemErrorXml(e: SystemErrorPayload): string {
  return element(
    'SystemError',
    { xmlns: SYSTEM_NS },
    element('code', {}, e.code),
    element('message', {}, e.message),
    element('retryAllowed', {}, String(e.retryAllowed)),
  ).xml;
}

export function bootXml(organism: string, listeners: number, at: Date): string {
  return element(
    'Boot',
    { xmlns: SYSTEM_NS },
    element('organism', {}, organism),
    element('listeners', {}, listeners),
    element('at', {}, at.toISOString()),
  ).xml;
}

/** A payload embedded as written (a handler's XML text); the pipeline parses and checks what it is in. */
const embedded = (xml: string): Markup => Markup.canonical(xml as CanonicalXml);
const s = (name: string, ...children: Child[]): Markup => element(`s:${name}`, {}, ...children);

/** A SequenceStart: `steps` run in order on `payloadXml`, the result sent to `returnTo` (docs/orchestration.md). */
export function sequenceStartXml(o: {
  steps: readonly string[];
  payloadXml: string;
  returnTo: string;
  stepTimeoutMs?: number;
}): string {
  return element(
    's:SequenceStart',
    { 'xmlns:s': SYSTEM_NS },
    s('steps', ...o.steps.map((step) => s('step', step))),
    s('payload', embedded(o.payloadXml)),
    s('returnTo', o.returnTo),
    o.stepTimeoutMs === undefined ? null : s('stepTimeoutMs', o.stepTimeoutMs),
  ).xml;
}

/** A BufferStart: each item sent to `target` on a thread of its own, the results to `returnTo`. */
export function bufferStartXml(o: {
  target: string;
  items: readonly string[];
  collect: boolean;
  returnTo: string;
  concurrency?: number;
  timeoutMs?: number;
}): string {
  return element(
    's:BufferStart',
    { 'xmlns:s': SYSTEM_NS },
    s('target', o.target),
    s('items', ...o.items.map((item) => s('item', embedded(item)))),
    s('collect', String(o.collect)),
    o.concurrency === undefined ? null : s('concurrency', o.concurrency),
    s('returnTo', o.returnTo),
    o.timeoutMs === undefined ? null : s('timeoutMs', o.timeoutMs),
  ).xml;
}
