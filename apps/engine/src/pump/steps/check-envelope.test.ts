import { describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline.ts';
import type { PipelineMessage } from '../pipeline-message.ts';
import { canonicalize } from './canonicalize.ts';
import { checkEnvelope } from './check-envelope.ts';
import { parse } from './parse.ts';
import { ENV, THREAD, env, external, internal, stepContext } from './step-test-kit.ts';

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

  it('gives a problem in <meta> one XPath, whatever prefix the envelope was written with', () => {
    const sig = '<s:sig xmlns:s="urn:sig">x</s:sig>';
    const prefixed = (fields: string): string =>
      `<e:message xmlns:e="${ENV}"><e:meta>${fields}</e:meta>${greeting}</e:message>`;
    const paths = (xml: string) => run(external(xml)).error?.problems?.map((p) => p.path);
    expect(paths(env('<from>c</from><color>red</color>', greeting))).toEqual(['/*/*[1]/*[2]']);
    expect(paths(prefixed('<e:from>c</e:from><e:color>red</e:color>'))).toEqual(['/*/*[1]/*[2]']);
    // An extra of another namespace keeps its own name; a field after it is still counted in place.
    expect(paths(env(`<from>c</from>${sig}<to>x</to>`, greeting))).toEqual(['/*/*[1]/*[3]']);
    expect(paths(prefixed(`<e:from>c</e:from>${sig}<e:to>x</e:to>`))).toEqual(['/*/*[1]/*[3]']);
  });

  it('takes any non-blank text as the producer name, as xml-pipeline does', () => {
    const m = run(external(env('<from> console:Jane Doe </from><to>greeter</to>', greeting)));
    expect(m).toMatchObject({ from: 'console:Jane Doe', chain: ['console:Jane Doe'] });
    expect(m.error).toBeUndefined();
    expect(run(external(env('<from>  </from>', greeting))).error?.code).toBe('MISSING_FROM');
  });

  it('accepts elements of other namespaces at the end of <meta> and keeps the envelope as received', () => {
    const sig = '<sig xmlns="urn:sig" alg="ed25519">c2ln</sig>';
    const m = run(external(env(`<from>c</from><to>greeter</to><thread>${THREAD}</thread>${sig}`, greeting)));
    expect(m.error).toBeUndefined();
    expect(m).toMatchObject({ from: 'c', to: 'greeter', payloadXml: '<greeting><name>A</name></greeting>' });
    expect(m.envelopeXml).toContain(sig);
    // Without extras the journal rebuilds the envelope from its fields: nothing is kept twice.
    expect(run(external(env('<from>c</from>', greeting))).envelopeXml).toBeUndefined();
  });

  it('refuses extras without a namespace or before the envelope fields, as the reference schema does', () => {
    const bare = run(external(env('<from>c</from><sig>x</sig>', greeting)));
    expect(bare.error?.code).toBe('ENVELOPE_INVALID');
    const early = run(external(env('<s:sig xmlns:s="urn:sig">x</s:sig><from>c</from>', greeting)));
    expect(early.error?.code).toBe('ENVELOPE_INVALID');
  });

  it('never takes addressing from a foreign element that borrows a field name', () => {
    const m = run(
      external(
        env(
          '<from>alice</from><to>welcomer</to><x:from xmlns:x="urn:x">greeter</x:from><x:to xmlns:x="urn:x">system.boot</x:to>',
          greeting,
        ),
      ),
    );
    expect(m).toMatchObject({ from: 'alice', to: 'welcomer' });
  });

  it('cuts out the real payload even when an extra holds a <meta> and a look-alike payload', () => {
    const doc =
      `<e:message xmlns:e="${ENV}"><e:meta><e:from>alice</e:from>` +
      `<s:sig xmlns:s="urn:sig"><e:meta><e:from>b</e:from></e:meta><greeting><name>EVIL</name></greeting></s:sig>` +
      `</e:meta><greeting><name>GOOD</name></greeting></e:message>`;
    const m = run(external(doc));
    expect(m.error).toBeUndefined();
    expect(m.payloadXml).toBe('<greeting><name>GOOD</name></greeting>');
  });

  it('reads an envelope that is not plain (plain-envelope.ts) from the tree, to the same result', () => {
    const meta = `<from>client</from><to>greeter</to><thread>${THREAD}</thread>`;
    const plain = run(external(env(meta, greeting)));
    // A processing instruction, a comment and a carriage return beside the payload: valid, not plain.
    const walked = run(external(env(meta, `<?trace on?><!-- c -->&#13;${greeting}`)));
    expect(walked.error).toBeUndefined();
    const fields = ({ from, to, threadId, root, chain, payloadXml, envelopeXml }: PipelineMessage) => ({
      from,
      to,
      threadId,
      root,
      chain,
      payloadXml,
      envelopeXml,
    });
    expect(fields(walked)).toEqual(fields(plain));
    expect(plain.payloadXml).toBe('<greeting><name>A</name></greeting>');
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
