import { describe, expect, it } from 'vitest';
import { parse } from './parse.ts';
import { external, stepContext } from './step-test-kit.ts';

describe('parse', () => {
  const ctx = stepContext();
  it('keeps the document of well-formed input for the next steps', () => {
    const m = parse(external('<a><b/></a>'), ctx);
    expect(m.error).toBeUndefined();
    expect(m.doc?.root.name).toBe('a');
    m.doc?.dispose();
  });

  it('refuses malformed input and any DOCTYPE with the parser’s place', () => {
    expect(parse(external('<a><b></a>'), ctx).error).toMatchObject({
      code: 'MALFORMED_XML',
      problems: [{ line: 1, column: 11 }],
    });
    expect(parse(external('<!DOCTYPE a><a/>'), ctx).error?.code).toBe('DOCTYPE_FORBIDDEN');
  });
});
