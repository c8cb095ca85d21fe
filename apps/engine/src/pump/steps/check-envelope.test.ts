import { describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline.ts';
import type { PipelineMessage } from '../pipeline-message.ts';
import { canonicalize } from './canonicalize.ts';
import { checkEnvelope } from './check-envelope.ts';
import { parse } from './parse.ts';
import { THREAD, env, external, internal, stepContext } from './step-test-kit.ts';

describe('checkEnvelope', () => {
  const ctx = stepContext();
  const run = (m: PipelineMessage): PipelineMessage => {
    const out = checkEnvelope(canonicalize(parse(m, ctx), ctx), ctx);
    out.doc?.dispose();
    return out;
  };
  const greeting = '<greeting xmlns=""><name>A</name></greeting>';

  it('takes from, to and thread from <meta> and cuts out the payload', () => {
    const m = run(external(env(`<from>client</from><to>greeter</to><thread>${THREAD}</thread>`, greeting)));
    expect(m).toMatchObject({
      from: 'client',
      to: 'greeter',
      threadId: THREAD,
      root: 'greeting',
      chain: ['client'],
      payloadXml: '<greeting><name>A</name></greeting>',
    });
    expect(m.newThread).toBeUndefined();
  });

  it('starts a thread when none is given, and notes an invalid one', () => {
    expect(run(external(env('<from>c</from>', greeting)))).toMatchObject({
      newThread: true,
      diagnostics: [],
    });
    const bad = run(external(env('<from>c</from><thread>42</thread>', greeting)));
    expect(bad.newThread).toBe(true);
    expect(bad.diagnostics[0]).toMatch(/invalid thread id "42"/);
  });

  it('names what is wrong with a bad envelope', () => {
    expect(run(external(greeting)).error?.code).toBe('ENVELOPE_INVALID');
    expect(run(external(env('<from>c</from>', ''))).error?.code).toBe('NO_PAYLOAD');
    expect(run(external(env('<from>c</from>', greeting + greeting))).error?.code).toBe('MULTIPLE_PAYLOADS');
    expect(run(external(env('<to>x</to>', greeting))).error?.code).toBe('MISSING_FROM');
    expect(run(external(env('<from>c</from><color>red</color>', greeting))).error).toMatchObject({
      code: 'ENVELOPE_INVALID',
      problems: [{ message: expect.stringMatching(/color/) as string }],
    });
    expect(
      run(
        external(
          `<message xmlns="https://xml-pipeline.org/ns/envelope/v1" id="1"><meta><from>c</from></meta>${greeting}</message>`,
        ),
      ).error?.code,
    ).toBe('ENVELOPE_INVALID');
  });

  it('takes addressing of engine-built messages from the pump, not from the document', () => {
    const m = run(internal('<shouted>HI</shouted>'));
    expect(m).toMatchObject({
      from: 'greeter',
      to: 'welcomer',
      threadId: THREAD,
      root: 'shouted',
      chain: ['client', 'greeter'],
    });
  });

  it('is the fourth step of the pipeline', () => {
    expect(runPipeline(external(env('<from>c</from>', greeting)).intake, ctx).error?.code).toBeUndefined();
  });
});
