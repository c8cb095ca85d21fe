import { SYSTEM_NS } from '@organism/shared';
import type { SystemErrorPayload } from '@organism/shared';
import { element } from '../../xml/index.ts';

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
