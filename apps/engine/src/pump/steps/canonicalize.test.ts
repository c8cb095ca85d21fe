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

  it('takes an engine-built message marked canonical as it is, without a second C14N', () => {
    // Marked, the text is trusted (it is the payload a delivery carried); unmarked, it is canonicalized.
    const raw = '<a  z="1" b="2"><e/></a>';
    const marked = canonicalize(parse(internal(raw, { canonical: true }), ctx), ctx);
    expect(marked.payloadXml).toBe(raw);
    expect(marked.canonical).toBe(raw);
    const unmarked = canonicalize(parse(internal(raw), ctx), ctx);
    expect(unmarked.payloadXml).toBe('<a b="2" z="1"><e></e></a>');
    marked.doc?.dispose();
    unmarked.doc?.dispose();
  });
});
