import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemo, demoDivisionByZero, demoGreeting, post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
let yamlPath: string;
beforeAll(async () => {
  // A private copy of the demo organism: the last test removes a listener from it.
  yamlPath = join(copyDemo('organism-refusals-'), 'organism.yaml');
  h = await startHarness(yamlPath);
});
afterAll(async () => h.close());

async function refusal(p: Promise<unknown>): Promise<{ code: string | null | undefined; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCClientError)) throw new Error('expected a refusal');
  return { code: (err.data as { engineCode?: string | null } | undefined)?.engineCode, message: err.message };
}

/** The newest FAILED entry to `to`, once the engine is quiet. */
async function deadLetter(to: string): Promise<string> {
  await h.engine.whenQuiet();
  const op = await h.client('operator');
  const id = (await op.journal.list.query({ state: 'FAILED', to, limit: 1 })).items[0]?.id;
  if (!id) throw new Error(`no dead letter to ${to}`);
  return id;
}

describe('retrying or discarding what is no dead letter', () => {
  it('says that someone retried it, by its short id, for a retry (NOT_RETRYABLE) and a discard (CONFLICT)', async () => {
    const op = await h.client('operator');
    expect((await post(h, demoDivisionByZero)).status).toBe(202);
    const id = await deadLetter('tools.calculator');
    // Paused, the retried message waits PENDING: still no dead letter when the second operator acts.
    await op.listeners.pause.mutate({ name: 'tools.calculator' });
    try {
      await op.journal.retry.mutate({ messageId: id });
      const sentence = `message ${id.slice(0, 8)} is PENDING now, not a dead letter: someone retried it`;
      expect(await refusal(op.journal.retry.mutate({ messageId: id }))).toEqual({
        code: 'NOT_RETRYABLE',
        message: sentence,
      });
      expect(await refusal(op.journal.discard.mutate({ messageId: id }))).toEqual({
        code: 'CONFLICT',
        message: sentence,
      });
    } finally {
      await op.listeners.resume.mutate({ name: 'tools.calculator' });
    }
  });

  it('says a delivered message was delivered, and a discard of it is CONFLICT (409)', async () => {
    const op = await h.client('operator');
    expect((await post(h, demoGreeting(1))).status).toBe(202);
    await h.engine.whenQuiet();
    const acked =
      (await op.journal.list.query({ state: 'ACKED', to: 'greeter', limit: 1 })).items[0]?.id ?? '';
    const sentence = `message ${acked.slice(0, 8)} is ACKED now, not a dead letter: it was delivered`;
    expect(await refusal(op.journal.retry.mutate({ messageId: acked }))).toEqual({
      code: 'NOT_RETRYABLE',
      message: sentence,
    });
    expect(await refusal(op.journal.discard.mutate({ messageId: acked }))).toEqual({
      code: 'CONFLICT',
      message: sentence,
    });
    const err = await op.journal.discard.mutate({ messageId: acked }).catch((e: unknown) => e);
    expect((err as TRPCClientError<never>).data).toMatchObject({ httpStatus: 409 });
  });

  it('says refused input never reached a listener', async () => {
    const op = await h.client('operator');
    expect((await post(h, '<oops')).status).toBe(400);
    await h.engine.whenQuiet();
    const refused =
      (await op.journal.list.query({ state: 'FAILED', refused: true, limit: 1 })).items[0]?.id ?? '';
    expect(await refusal(op.journal.retry.mutate({ messageId: refused }))).toEqual({
      code: 'NOT_RETRYABLE',
      message: `message ${refused.slice(0, 8)} was refused at intake (MALFORMED_XML): it never reached a listener, so there is nothing to retry; discard it, or send a corrected message`,
    });
  });

  it('says a dead letter’s listener is gone, and keeps it a dead letter', async () => {
    const op = await h.client('operator');
    expect((await post(h, demoDivisionByZero)).status).toBe(202);
    const id = await deadLetter('tools.calculator');
    const yaml = readFileSync(yamlPath, 'utf8');
    writeFileSync(yamlPath, yaml.replace(/\n {2}- name: tools\.calculator[\s\S]*?concurrency: 4\n/, '\n'));
    // The planner names the calculator as its peer: it goes with it.
    writeFileSync(
      yamlPath,
      readFileSync(yamlPath, 'utf8').replace(/\n {2}- name: planner[\s\S]*?#plan\n/, '\n'),
    );
    await op.organism.reload.mutate();
    expect(await refusal(op.journal.retry.mutate({ messageId: id }))).toEqual({
      code: 'NOT_RETRYABLE',
      message: `message ${id.slice(0, 8)} is for tools.calculator, which is no longer a listener here: it stays a dead letter until tools.calculator is back`,
    });
    expect((await op.messages.byId.query({ id })).state).toBe('FAILED');
  });
});
