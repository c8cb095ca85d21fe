/** The journal contract's writes: intent, dispatch, acknowledgement, failures and refused input. */
import { expect, it } from 'vitest';
import type { Journal } from '../journal.ts';
import { clock, delivery, failure } from './fixtures.ts';

export function writesContract(fresh: () => Promise<Journal>): void {
  it('records every accepted delivery as PENDING with a transition', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    const got = await j.getMessage(d.id);
    expect(got).toMatchObject({
      id: d.id,
      state: 'PENDING',
      attempts: 0,
      threadId: d.threadId,
      to: 'greeter',
      root: 'greeting',
    });
    expect(got?.payloadXml).toBe(d.payloadXml);
    expect(got?.envelopeXml).toContain('<env:to>greeter</env:to>');
    expect(got?.transitions.map((t) => t.state)).toEqual(['PENDING']);
    await j.close();
  });

  it('keeps an envelope as received when the producer sent more than a rebuilt one would hold', async () => {
    const j = await fresh();
    const envelopeXml =
      '<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>client</from><sig xmlns="urn:sig">c2ln</sig></meta><greeting xmlns=""><name>Ada</name></greeting></message>';
    const d = delivery({ envelopeXml });
    await j.hooks.onIntent?.([d]);
    expect((await j.getMessage(d.id))?.envelopeXml).toBe(envelopeXml);
    await j.close();
  });

  it('walks PENDING → DISPATCHED → ACKED and journals the replies in the same step', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    void j.hooks.onDispatched?.(d);
    const reply = delivery({
      threadId: d.threadId,
      from: 'greeter',
      to: 'shouter',
      parentId: d.id,
      kind: 'forward',
    });
    const egress = delivery({
      threadId: d.threadId,
      from: 'greeter',
      to: 'client',
      parentId: d.id,
      kind: 'reply',
      egress: true,
    });
    await j.hooks.onAcknowledged?.(d, [reply, egress]);
    expect((await j.getMessage(d.id))?.transitions.map((t) => t.state)).toEqual([
      'PENDING',
      'DISPATCHED',
      'ACKED',
    ]);
    expect(await j.getMessage(reply.id)).toMatchObject({ state: 'PENDING', parentId: d.id });
    expect(await j.getMessage(egress.id)).toMatchObject({ state: 'ACKED', egress: true });
    await j.close();
  });

  it('puts a failure with a retry ahead back to PENDING, logging the failure', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    void j.hooks.onDispatched?.(d);
    await j.hooks.onFailed?.(d, failure, { retryAt: clock + 500, outputs: [] });
    const got = await j.getMessage(d.id);
    expect(got).toMatchObject({
      state: 'PENDING',
      attempts: 1,
      errorCode: 'HANDLER_ERROR',
      nextAttemptAt: clock + 500,
    });
    expect(got?.transitions.map((t) => t.state)).toEqual(['PENDING', 'DISPATCHED', 'FAILED', 'PENDING']);
    await j.close();
  });

  it('keeps a final failure as a dead letter with its code and detail, and journals the SystemError', async () => {
    const j = await fresh();
    const d = delivery();
    const err = delivery({
      threadId: d.threadId,
      from: 'greeter',
      to: 'client',
      kind: 'error',
      egress: true,
      root: '{x}SystemError',
    });
    await j.hooks.onIntent?.([d]);
    await j.hooks.onFailed?.(d, failure, { outputs: [err] });
    expect(await j.getMessage(d.id)).toMatchObject({
      state: 'FAILED',
      errorCode: 'HANDLER_ERROR',
      errorDetail: 'greeter: Error: boom',
    });
    expect(await j.getMessage(err.id)).toMatchObject({ state: 'ACKED', kind: 'error' });
    const dead = await j.listMessages({ state: 'FAILED' });
    expect(dead.items.map((m) => m.id)).toEqual([d.id]);
    await j.close();
  });

  it('keeps 16 KiB of a huge failure detail, in the entry and its transition, saying how much was left out', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    const huge = `greeter: Error: bad input ${'x'.repeat(100_000)}`;
    await j.hooks.onFailed?.(d, { ...failure, detail: huge }, { outputs: [] });
    const kept = await j.getMessage(d.id);
    const note = `\n(${(huge.length - 16 * 1024).toLocaleString('en')} more characters not kept)`;
    expect(kept?.errorDetail).toBe(huge.slice(0, 16 * 1024) + note);
    expect(kept?.transitions.at(-1)?.detail).toBe(kept?.errorDetail);
    await j.close();
  });

  it('records refused input as FAILED with the raw text, and refuses to retry it', async () => {
    const j = await fresh();
    j.hooks.onRejected?.({
      raw: '<oops',
      error: { code: 'MALFORMED_XML', message: 'bad', problems: [{ message: 'bad', line: 1, column: 6 }] },
    });
    await j.flush();
    const [entry] = (await j.listMessages({ state: 'FAILED' })).items;
    expect(entry).toMatchObject({
      state: 'FAILED',
      errorCode: 'MALFORMED_XML',
      kind: 'rejected',
      to: null,
    });
    const detail = await j.getMessage(entry?.id ?? '');
    expect(detail).toMatchObject({ raw: '<oops', errorDetail: '1:6: bad' });
    await expect(j.retry(entry?.id ?? '')).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
    await j.close();
  });
}
