import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonicalize.ts';
import { parse } from './parse.ts';
import { external, internal, stepContext } from './step-test-kit.ts';

describe('canonicalize', () => {
  const ctx = stepContext();
  it('stores the exclusive canonical form of the whole document', () => {
    const m = canonicalize(
      parse(external('<?xml version="1.0"?><a  z="1" b="2"><!-- c --><e/></a>'), ctx),
      ctx,
    );
    expect(m.canonical).toBe('<a b="2" z="1"><e></e></a>');
    expect(m.payloadXml).toBeUndefined();
    m.doc?.dispose();
  });

  it('uses it as the payload for an engine-built message, which has no envelope', () => {
    const m = canonicalize(parse(internal('<shouted>HI</shouted>'), ctx), ctx);
    expect(m.payloadXml).toBe('<shouted>HI</shouted>');
    m.doc?.dispose();
  });
});
