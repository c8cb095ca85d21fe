import { describe, expect, it } from 'vitest';
import { wrapPayload } from '../envelope/wrap-payload.ts';
import { runPipeline } from '../pipeline.ts';
import { ENV, env, external, internal, stepContext } from './step-test-kit.ts';

// Validation needs the parsed payload element, so these run the pipeline up to and including it.
describe('validatePayload', () => {
  const ctx = stepContext();
  it('accepts a payload valid against every target’s XSD', () => {
    expect(
      runPipeline(external(env('<from>c</from>', '<greeting xmlns=""><name>A</name></greeting>')).intake, ctx)
        .error,
    ).toBeUndefined();
  });

  it('reports every violation with line and XPath', () => {
    const xml = env('<from>c</from><to>greeter</to>', '\n<greeting xmlns="">\n<nom>A</nom>\n</greeting>');
    expect(runPipeline(external(xml).intake, ctx).error).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      problems: [{ line: 3, path: '/*/greeting/nom' }],
    });
  });

  it('gives one XPath for one violation, whatever prefix the envelope was written with', () => {
    const payload = '<greeting><nom>A</nom></greeting>';
    const wrapped = wrapPayload({ from: 'cli', to: 'greeter' }, payload, 4096); // as organism send does
    if (!wrapped.ok) throw new Error(wrapped.error.message);
    const prefixed = `<e:message xmlns:e="${ENV}"><e:meta><e:from>c</e:from><e:to>greeter</e:to></e:meta>${payload}</e:message>`;
    const plain = env('<from>c</from><to>greeter</to>', payload.replace('<greeting>', '<greeting xmlns="">'));
    for (const xml of [wrapped.xml, prefixed, plain])
      expect(runPipeline(external(xml).intake, ctx).error?.problems, xml).toEqual([
        expect.objectContaining({ path: '/*/greeting/nom' }),
      ]);
  });

  it('names an engine-built message’s root, its payload, as it is', () => {
    const bad = '<greeting><nom>A</nom></greeting>';
    expect(runPipeline(internal(bad).intake, ctx).error?.problems).toEqual([
      expect.objectContaining({ path: '/greeting/nom' }),
    ]);
  });

  it('checks a SystemError against the engine’s own schema', () => {
    const bad = '<SystemError xmlns="https://xml-pipeline.org/ns/system/v1"><code>X</code></SystemError>';
    expect(runPipeline(internal(bad, { to: 'greeter' }).intake, ctx).error?.code).toBe('SCHEMA_VIOLATION');
  });
});
