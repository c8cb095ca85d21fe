import { describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline.ts';
import type { PipelineMessage } from '../pipeline-message.ts';
import { canonicalize } from './canonicalize.ts';
import { checkEnvelope } from './check-envelope.ts';
import { checkSender } from './check-sender.ts';
import { parse } from './parse.ts';
import { env, external, internal, stepContext } from './step-test-kit.ts';

describe('checkSender', () => {
  const ctx = stepContext();
  const run = (m: PipelineMessage): PipelineMessage => {
    const out = checkSender(checkEnvelope(canonicalize(parse(m, ctx), ctx), ctx), ctx);
    out.doc?.dispose();
    return out;
  };
  const greeting = '<greeting xmlns=""><name>A</name></greeting>';
  const from = (name: string, producers?: string[]): PipelineMessage => {
    const m = external(env(`\n<from>${name}</from><to>greeter</to>`, greeting));
    return producers ? { ...m, intake: { origin: 'external', raw: m.intake.raw, producers } } : m;
  };

  it("refuses a listener's name and the engine's own, pointing at <from>", () => {
    for (const name of ['greeter', 'welcomer', 'system', 'system.boot', 'system.later']) {
      expect(run(from(name)).error, name).toMatchObject({
        code: 'SENDER_RESERVED',
        problems: [{ line: 2, path: '/*/*[1]/*[1]' }],
      });
    }
    expect(run(from('greeter')).error?.message).toBe(
      'the envelope is from "greeter", which is the name of a listener of this organism; an outside producer must use a name of its own',
    );
    expect(run(from('system.boot')).error?.message).toMatch(
      /"system.boot", which is reserved for the engine/,
    );
  });

  it('takes names that only look like ours', () => {
    for (const name of ['Greeter', 'greeter2', 'systems', 'console:greeter', 'remote.greeter'])
      expect(run(from(name)).error, name).toBeUndefined();
  });

  it("holds a token's sender to the names it is bound to; reserved names stay refused", () => {
    expect(run(from('billing', ['billing'])).error).toBeUndefined();
    expect(run(from('shipping', ['billing'])).error?.code).toBe('FORBIDDEN');
    expect(run(from('greeter', ['greeter'])).error?.code).toBe('SENDER_RESERVED');
  });

  it('lets engine-built messages through: the pump addresses them', () => {
    expect(run(internal('<shouted>HI</shouted>', { from: 'greeter' })).error).toBeUndefined();
  });

  it('is the fifth step of the pipeline', () => {
    expect(runPipeline(from('greeter').intake, ctx).error?.code).toBe('SENDER_RESERVED');
  });
});
