import { describe, expect, it } from 'vitest';
import type { PipelineMessage } from '../pipeline-message.ts';
import { route } from './route.ts';
import { external, internal, stepContext } from './step-test-kit.ts';

describe('route', () => {
  const ctx = stepContext();
  const at = (m: PipelineMessage, fields: Partial<PipelineMessage>): PipelineMessage =>
    route({ ...m, ...fields }, ctx);
  const names = (m: PipelineMessage): string[] => (m.targets ?? []).map((t) => t.name);

  it('sends an addressed message to that listener when its XSD declares the root', () => {
    expect(names(at(external(''), { to: 'greeter', root: 'greeting', chain: ['c'] }))).toEqual(['greeter']);
    expect(names(at(external(''), { to: 'greeter', root: 'shouted', chain: ['c'] }))).toEqual(['greeter']);
  });

  it('broadcasts a message without <to> to every listener whose request root matches', () => {
    expect(names(at(external(''), { root: 'greeting', chain: ['c'] })).sort()).toEqual([
      'greeter',
      'welcomer',
    ]);
    expect(at(external(''), { root: 'shouted', chain: ['c'] }).error?.message).toBe(
      'no listener accepts shouted',
    );
  });

  it('refuses unknown listeners, foreign roots and outsiders addressing system listeners', () => {
    expect(at(external(''), { to: 'nobody', root: 'greeting' }).error?.code).toBe('UNKNOWN_ROUTE');
    expect(at(external(''), { to: 'greeter', root: '{urn:x}greeting' }).error?.message).toBe(
      'listener "greeter" does not accept {urn:x}greeting',
    );
    expect(at(external(''), { to: 'system.boot', root: 'greeting' }).error).toMatchObject({
      code: 'UNKNOWN_ROUTE',
      message:
        'listener "system.boot" is the engine\'s own: only the engine and handlers address system.* listeners',
    });
  });

  it('lets every listener receive a SystemError, and enforces the depth limit', () => {
    expect(
      names(
        at(internal(''), {
          to: 'greeter',
          root: '{https://xml-pipeline.org/ns/system/v1}SystemError',
          chain: [],
        }),
      ),
    ).toEqual(['greeter']);
    expect(
      at(internal(''), { to: 'greeter', root: 'greeting', chain: ['a', 'b', 'c', 'd'] }).error?.code,
    ).toBe('DEPTH_EXCEEDED');
  });

  it('does not route egress', () => {
    expect(
      at(internal('', { egress: true, to: 'outside' }), { to: 'outside', root: 'x', chain: [] }).targets,
    ).toEqual([]);
  });
});
