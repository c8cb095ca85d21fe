import type { EngineEvent } from '@organism/shared';

const short = (id: string | undefined): string => (id ? id.slice(0, 8) : '-');

/** One log line per engine event, for `organism run`. */
export function describeEvent(e: EngineEvent): string {
  const t = new Date(e.at).toISOString().slice(11, 23);
  switch (e.type) {
    case 'message.received':
      return `${t} ${short(e.threadId)} ${e.to} ← ${e.from} ${e.root}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'message.sent':
      return `${t} ${short(e.threadId)} ${e.from} → ${e.to} ${e.kind} ${e.root}`;
    case 'message.rejected':
      return `${t} ${short(e.threadId)} REJECTED ${e.code}: ${e.message}`;
    case 'message.failed':
      return `${t} ${short(e.threadId)} FAILED ${e.listener} ${e.code}${e.willRetry ? ' (will retry)' : ''}: ${e.detail?.split('\n')[0] ?? e.message}`;
    case 'thread.created':
    case 'thread.completed':
    case 'thread.failed':
      return `${t} ${short(e.threadId)} ${e.type}`;
    case 'listener.state':
      return `${t} listener ${e.listener} ${e.state}`;
    case 'reload':
      return `${t} reload +[${e.added.join(',')}] -[${e.removed.join(',')}] ~[${e.updated.join(',')}]`;
    case 'diagnostic':
      return `${t} ${short(e.threadId)} ${e.code}: ${e.message}`;
    case 'journal.unavailable':
      return `${t} JOURNAL UNAVAILABLE: ${e.reason}; intake refused until writes work again`;
    case 'journal.available':
      return `${t} journal available again after ${Math.round(e.downMs / 1000)} s; intake open`;
    case 'drain':
      return `${t} draining: ${e.openThreads} open threads, ${e.inFlight} running, ${e.queued} queued (${Math.round(e.elapsedMs / 1000)} s of ${Math.round(e.deadlineMs / 1000)} s)`;
  }
}
