import { describe, expect, it } from 'vitest';
import { delivery, failure } from '../../journal/contract/fixtures.ts';
import { MemoryJournal } from '../../journal/memory/memory-journal.ts';
import type { Journal } from '../../journal/journal.ts';
import { DispatchLog, readEvents } from './dispatch-log.ts';
import type { LoggedEvent } from './dispatch-log.ts';

/** Reads the whole log in pages of `size`, as a durable extension does, moving on from where each stopped. */
async function readAll(j: Journal, size: number, log = new DispatchLog(), from = 0): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for (let cursor = from; ;) {
    const { events, upTo, more } = await readEvents(j, log, cursor, size);
    out.push(...events);
    if (upTo === cursor && more) throw new Error(`no progress at ${cursor} with pages of ${size}`);
    if (upTo === cursor) return out;
    cursor = upTo;
  }
}

const words = (events: LoggedEvent[]): string[] =>
  events.map(({ event: e }) =>
    e.type === 'dispatch.thread-complete'
      ? `thread-complete ${e.outcome}`
      : `${e.type.slice(9)} ${e.delivery.to}${e.type === 'dispatch.failed' ? ` ${e.code}${e.willRetry ? ' retry' : ''}` : ''}${e.type === 'dispatch.acknowledged' ? ` → ${e.outputs.map((o) => o.to).join(',')}` : ''}`,
  );

/** A thread with outputs, an egress reply, a failure retried, a failure for good and its SystemError. */
async function story(j: Journal): Promise<string> {
  const a = delivery({ from: 'client', to: 'greeter' });
  const t = a.threadId;
  const b = delivery({ threadId: t, parentId: a.id, from: 'greeter', to: 'shouter', kind: 'forward' });
  const e = delivery({
    threadId: t,
    parentId: a.id,
    from: 'greeter',
    to: 'client',
    kind: 'reply',
    egress: true,
  });
  const s = delivery({ threadId: t, parentId: b.id, from: 'system', to: 'greeter', kind: 'error' });
  await j.hooks.onIntent?.([a]);
  void j.hooks.onDispatched?.(a);
  await j.hooks.onAcknowledged?.(a, [b, e]);
  void j.hooks.onDispatched?.(b);
  await j.hooks.onFailed?.(b, failure, { retryAt: Date.now() + 60_000, outputs: [] });
  void j.hooks.onDispatched?.({ ...b, attempt: 2 });
  await j.hooks.onFailed?.({ ...b, attempt: 2 }, failure, { outputs: [s] });
  void j.hooks.onDispatched?.(s);
  await j.hooks.onAcknowledged?.(s, []);
  return t;
}

describe('the dispatch protocol rebuilt from the event log', () => {
  it('is the same whatever the page size: outputs, egress, retries and the thread end', async () => {
    const j = new MemoryJournal();
    const t = await story(j);
    const whole = await readAll(j, 1_000);
    expect(words(whole)).toEqual([
      'intent greeter',
      'dispatched greeter',
      'acknowledged greeter → shouter,client',
      'dispatched shouter',
      'failed shouter HANDLER_ERROR retry',
      'dispatched shouter',
      'failed shouter HANDLER_ERROR',
      'dispatched greeter',
      'acknowledged greeter → ',
      'thread-complete failed',
    ]);
    expect(whole.at(-1)?.event).toMatchObject({ type: 'dispatch.thread-complete', threadId: t });
    for (let size = 1; size <= 13; size++) expect(await readAll(j, size)).toEqual(whole);
    await j.close();
  });

  it('asks the journal whether a thread it saw only part of is complete', async () => {
    const j = new MemoryJournal();
    const a = delivery();
    const b = delivery({ threadId: a.threadId });
    await j.hooks.onIntent?.([a, b]);
    void j.hooks.onDispatched?.(a);
    await j.hooks.onAcknowledged?.(a, []);
    const resumeAt = await j.headSeq();
    void j.hooks.onDispatched?.(b);
    await j.hooks.onAcknowledged?.(b, []);
    // A reader starting after a's acknowledgement never saw b opened: it completes the thread only
    // because the journal says nothing of it is open.
    const log = new DispatchLog();
    log.prime(await j.recordedTransitions(0, resumeAt));
    expect(words(await readAll(j, 100, log, resumeAt))).toEqual([
      'dispatched greeter',
      'acknowledged greeter → ',
      'thread-complete completed',
    ]);
    await j.close();
  });

  it('leaves out refused input and discarded dead letters', async () => {
    const j = new MemoryJournal();
    const a = delivery();
    j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    await j.hooks.onIntent?.([a]);
    await j.hooks.onFailed?.(a, failure, { outputs: [] });
    await j.flush();
    const before = words(await readAll(j, 100));
    expect(before).toEqual(['intent greeter', 'failed greeter HANDLER_ERROR', 'thread-complete failed']);
    await j.discard(a.id);
    expect(await readAll(j, 100)).toEqual([]);
    await j.close();
  });
});
