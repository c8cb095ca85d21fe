import { afterEach, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { buffer, g, sequence, writeOrchestrationOrganism } from '../support/orchestration-organism.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

const running: ServerHarness[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

describe('orchestration runs across engines on one PostgreSQL journal', () => {
  it('completes sequences and buffers whose steps and items run on another engine', async () => {
    g.__results = [];
    const { yaml } = writeOrchestrationOrganism();
    const db = freshPostgres();
    // a runs the starter and exclaim, b runs upper and fail: each such step's reply is written, and
    // received, by b, while a holds the run.
    const a = await startHarness(
      yaml,
      await PostgresJournal.open(db, { membership: { listeners: ['starter', 'exclaim'] } }),
    );
    running.push(a);
    const b = await startHarness(
      yaml,
      await PostgresJournal.open(db, { membership: { listeners: ['upper', 'fail'] } }),
      { joining: true },
    );
    running.push(b);
    const run = async (start: string): Promise<{ root: string; xml: string }> => {
      const env = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>starter</to></meta><run xmlns="">${start}</run></message>`;
      const res = await a.engine.submit(env);
      if (!res.ok) throw new Error(res.error.message);
      return until('the run’s result', () => g.__results.find((r) => r.thread === res.threadId), 15_000);
    };

    const done = await run(sequence(['upper', 'exclaim', 'upper'], 'go', 5_000));
    expect(done.root).toBe('SequenceComplete');
    expect(done.xml).toContain('<s:result><text>GO!</text></s:result><s:steps>3</s:steps>');
    // A step that failed on the other engine ends the sequence with its reason, as on one engine.
    const failed = await run(sequence(['upper', 'fail', 'exclaim'], 'x', 5_000));
    expect(failed.root).toBe('SequenceError');
    expect(failed.xml).toContain('<s:failedStep>fail</s:failedStep><s:index>1</s:index>');
    expect(failed.xml).toContain('HANDLER_ERROR');
    // A buffer's items, each on a thread of its own, all answered on the other engine.
    const gathered = await run(
      buffer({ items: ['a', 'b', 'c'], collect: true, target: 'upper', timeoutMs: 5_000 }),
    );
    expect(gathered.root).toBe('BufferComplete');
    expect(gathered.xml).toContain(
      '<s:succeeded>3</s:succeeded><s:failed>0</s:failed><s:missing>0</s:missing>',
    );
    for (const x of ['A', 'B', 'C']) expect(gathered.xml).toContain(`<text>${x}</text>`);
  });
});
