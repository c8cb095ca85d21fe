import type { MessageId } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { sequence } from '../../../test/support/orchestration-organism.ts';
import { MemoryOrchestrationStore } from '../../journal/orchestrations/orchestration-store.ts';
import type { HandlerContext } from '../../pump/listener.ts';
import { SEQUENCE_START_ROOT } from '../../pump/system/system-payloads.ts';
import type { CompiledSchema } from '../../xml/index.ts';
import type { Send, SequenceState } from './orchestration-run.ts';
import { Orchestrator } from './orchestrator.ts';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/** An orchestrator on a memory store, with a pump that records what it is given to send. */
function orchestrator(sentBefore: readonly string[] = []) {
  const store = new MemoryOrchestrationStore();
  const asked: string[] = [];
  const sent: Omit<Send, 'purpose'>[] = [];
  const orch = new Orchestrator({
    store,
    log: quiet,
    sent: (id) => {
      asked.push(id);
      return Promise.resolve(sentBefore.includes(id));
    },
  });
  orch.attach({
    sendInternal: (m) => {
      sent.push(m);
      return Promise.resolve({ ok: true });
    },
    has: () => true,
  });
  const [listener] = orch.listeners({} as CompiledSchema);
  const handle = async (ctx: Partial<HandlerContext>): Promise<void> => {
    await listener?.handler(undefined as never, ctx as HandlerContext);
  };
  return { store, orch, asked, sent, handle };
}

describe('the orchestrator', () => {
  it('sends what it just put in a run’s outbox without asking the journal whether it was sent', async () => {
    const { asked, sent, handle } = orchestrator();
    await handle({
      root: SEQUENCE_START_ROOT,
      messageId: 'run-1' as MessageId,
      threadId: 'thread-1' as HandlerContext['threadId'],
      payloadXml: sequence(['upper', 'exclaim'], 'hi'),
    });
    expect(sent.map((m) => m.to)).toEqual(['upper']);
    // The first step answers: the second goes out, again without a question.
    await handle({
      root: 'text',
      inReplyTo: sent[0]?.id,
      payloadXml: '<text>HI</text>',
    });
    expect(sent.map((m) => m.to)).toEqual(['upper', 'exclaim']);
    expect(asked).toEqual([]);
  });

  it('asks the journal about each message of an outbox read back from a run’s row, and sends only those it lacks', async () => {
    const outbox = (id: string, to: string): Send => ({
      from: 'system.sequence',
      to,
      threadId: 'thread-2' as Send['threadId'],
      chain: ['system.sequence'],
      kind: 'forward',
      parentId: 'run-2' as MessageId,
      id: id as MessageId,
      payloadXml: '<text>hi</text>',
      purpose: { step: 0 },
    });
    // A run written with two messages in its outbox, the first of which went out before a crash.
    const state: SequenceState = {
      index: 0,
      awaiting: 'm-b' as MessageId,
      outbox: [outbox('m-a', 'upper'), outbox('m-b', 'exclaim')],
    };
    const { store, orch, asked, sent } = orchestrator(['m-a']);
    await store.put({
      id: 'run-2',
      kind: 'sequence',
      threadId: 'thread-2',
      spec: JSON.stringify({ steps: ['upper'], payloadXml: '', returnTo: 'starter', stepTimeoutMs: 60_000 }),
      state: JSON.stringify(state),
      status: 'running',
      deadline: null,
      createdAt: 1,
      updatedAt: 1,
    });
    await orch.start();
    orch.stop();
    expect(asked).toEqual(['m-a', 'm-b']);
    expect(sent.map((m) => m.id)).toEqual(['m-b']);
    expect(JSON.parse((await store.get('run-2'))?.state ?? '{}')).toMatchObject({ outbox: [] });
  });
});
