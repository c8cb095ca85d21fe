import { describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline.ts';
import { env, external, internal, stepContext } from './step-test-kit.ts';

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

  it('checks a SystemError against the engine’s own schema', () => {
    const bad = '<SystemError xmlns="https://xml-pipeline.org/ns/system/v1"><code>X</code></SystemError>';
    expect(runPipeline(internal(bad, { to: 'greeter' }).intake, ctx).error?.code).toBe('SCHEMA_VIOLATION');
  });
});
