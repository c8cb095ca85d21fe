import { randomUUID } from 'node:crypto';
import type { MessageId, ThreadId } from '@organism/shared';
import { newMessageId } from '../../pump/message-id.ts';
import type { Run } from './orchestration-run.ts';
import { bufferCompleteXml } from './orchestration-xml.ts';

/** The names of the two system listeners, the senders of what their runs send. */
export const SEQUENCE = 'system.sequence';
export const BUFFER = 'system.buffer';

/** Told of each forward a run now waits on (the orchestrator routes its answer to the run). */
export type Awaits = (forwardId: MessageId, runId: string) => void;

/**
 * What a run does next, as changes to its state and messages put in its outbox (the orchestrator
 * writes the run, then sends them). No I/O here: a crash between two steps loses nothing the row has.
 */

/** Puts the sequence's step `index` in the outbox, with `payloadXml` as its input, due by its deadline. */
export function sendStep(
  run: Run & { kind: 'sequence' },
  index: number,
  payloadXml: string,
  now: number,
  awaits: Awaits,
): void {
  const id = newMessageId();
  run.state.index = index;
  run.state.awaiting = id;
  run.row.deadline = now + run.spec.stepTimeoutMs;
  awaits(id, run.row.id);
  run.state.outbox.push({
    from: SEQUENCE,
    to: run.spec.steps[index] ?? '',
    threadId: run.row.threadId as ThreadId,
    // The step's reply comes back here.
    chain: [SEQUENCE],
    kind: 'forward',
    parentId: run.row.id as MessageId,
    id,
    payloadXml,
    purpose: { step: index },
  });
}

/** Puts the items a buffer may have in flight in the outbox; once every item has its result, it ends. */
export function fillBuffer(run: Run & { kind: 'buffer' }, awaits: Awaits): void {
  const { spec, state } = run;
  while (state.next < spec.items.length && Object.keys(state.inFlight).length < spec.concurrency) {
    const index = state.next++;
    const id = newMessageId();
    const threadId = randomUUID() as ThreadId;
    state.inFlight[id] = index;
    (state.threads ??= spec.items.map(() => null))[index] = threadId;
    awaits(id, run.row.id);
    state.outbox.push({
      from: BUFFER,
      to: spec.target,
      // Each item on a thread of its own.
      threadId,
      chain: [BUFFER],
      kind: 'forward',
      parentId: run.row.id as MessageId,
      id,
      payloadXml: spec.items[index] ?? '',
      purpose: { item: index },
    });
  }
  if (state.results.every((r) => r !== null)) {
    if (spec.collect) pushResult(run, bufferCompleteXml(state.results));
    else run.row.status = 'done';
  }
}

/** Puts the run's result (or, with `ends` false, a first answer) for its `returnTo` in the outbox. */
export function pushResult(run: Run, payloadXml: string, ends = true): void {
  run.state.outbox.push({
    from: run.kind === 'sequence' ? SEQUENCE : BUFFER,
    to: run.spec.returnTo,
    threadId: run.row.threadId as ThreadId,
    chain: [],
    // An answer to the start message: its `inReplyTo` is the id the starter's forward returned.
    kind: 'reply',
    parentId: run.row.id as MessageId,
    id: newMessageId(),
    payloadXml,
    purpose: { result: true },
  });
  if (ends) {
    run.row.status = 'done';
    run.row.deadline = null;
  }
}
