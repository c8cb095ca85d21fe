import type { EngineEvent } from '@organism/shared';
import type { Logger } from '../logging/logger.ts';
import { printable } from '../logging/printable.ts';

const short = (id: string | undefined): string => (id ? id.slice(0, 8) : '-');

/**
 * One human sentence per engine event (the `msg` of its log entry; the time comes from the logger), on
 * one line: what a message brought (its sender, its root, a refusal's words) has its control characters
 * escaped, so an event prints no line of its own making.
 */
export function describeEvent(e: EngineEvent): string {
  return printable(sentence(e));
}

function sentence(e: EngineEvent): string {
  switch (e.type) {
    case 'message.received':
      return `${short(e.threadId)} ${e.to} ← ${e.from} ${e.root}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'message.sent':
      return `${short(e.threadId)} ${e.from} → ${e.to} ${e.kind} ${e.root}`;
    case 'message.rejected':
      return `${short(e.threadId)} REJECTED ${e.code}: ${e.message}`;
    case 'message.failed':
      return `${short(e.threadId)} FAILED ${e.listener} ${e.code}${e.willRetry ? ' (will retry)' : ''}: ${e.detail?.split('\n')[0] ?? e.message}`;
    case 'thread.created':
    case 'thread.completed':
    case 'thread.failed':
      return `${short(e.threadId)} ${e.type}`;
    case 'listener.state':
      return `listener ${e.listener} ${e.state}`;
    case 'reload':
      return (
        `reload +[${e.added.join(',')}] -[${e.removed.join(',')}] ~[${e.updated.join(',')}]` +
        (e.atRestart ? `; at the next restart: ${e.atRestart.join(', ')}` : '')
      );
    case 'diagnostic':
      return `${short(e.threadId)} ${e.code}: ${e.message}`;
    case 'journal.unavailable':
      return `JOURNAL UNAVAILABLE: ${e.reason}; intake refused until writes work again`;
    case 'journal.available':
      return `journal available again after ${Math.round(e.downMs / 1000)} s; intake open`;
    case 'drain': {
      const paused = e.waitingPaused.map((w) => `${w.queued} waiting for paused ${w.listener}`).join(', ');
      const figures = `${e.openThreads} open threads, ${e.inFlight} running, ${e.queued} queued${paused ? ` (${paused})` : ''}`;
      if (e.ended === 'timeout')
        return `drain ran out of time after ${Math.round(e.elapsedMs / 1000)} s: ${figures}; what is unfinished stays in the journal`;
      if (e.ended === 'paused') return `drained: ${paused} stay in the journal, PENDING`;
      if (e.ended === 'drained') return `drained in ${Math.round(e.elapsedMs / 1000)} s`;
      return `draining: ${figures} (${Math.round(e.elapsedMs / 1000)} s of ${Math.round(e.deadlineMs / 1000)} s)`;
    }
    default:
      // An event type added later still gets a line; its fields carry the detail.
      return (e as { type: string }).type;
  }
}

/**
 * How loud an event is: listener state changes are debug (two per hop: they would drown the rest),
 * refusals and retried failures warn, a final failure is an error, everything else info.
 */
export function eventLevel(e: EngineEvent): 'debug' | 'info' | 'warn' | 'error' {
  switch (e.type) {
    case 'listener.state':
      return 'debug';
    case 'message.rejected':
    case 'diagnostic':
    case 'thread.failed':
      return 'warn';
    case 'message.failed':
      return e.willRetry ? 'warn' : 'error';
    default:
      return 'info';
  }
}

/**
 * The structured fields of an event's log entry: `event` (its type), then its own fields under their
 * names (threadId, messageId, listener, code, message, …). `listener` names the listener concerned:
 * the receiver of a delivery, the sender of an output. The event's `at` is left to the logger's `time`.
 */
export function eventFields(e: EngineEvent): Record<string, unknown> {
  const { type, at: _at, ...rest } = e;
  const listener =
    e.type === 'message.received'
      ? { listener: e.to }
      : e.type === 'message.sent'
        ? { listener: e.from }
        : {};
  return { event: type, ...listener, ...rest };
}

/** Writes one engine event to the log at its level. */
export function logEvent(logger: Logger, e: EngineEvent): void {
  const level = eventLevel(e);
  // Skip building the entry when the level is off: listener state changes come twice per hop.
  if (logger.isLevelEnabled(level)) logger[level](eventFields(e), describeEvent(e));
}
