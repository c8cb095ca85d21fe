import { describe, expect, it } from 'vitest';
import { softBreaks } from './soft-breaks';

describe('softBreaks', () => {
  it('breaks a long path after its slashes, and keeps the prose around it whole', () => {
    const text = 'cannot load handler /home/someone/organisms/demo/handlers/calculator.ts: not found';
    expect(softBreaks(text)).toEqual([
      'cannot load handler /',
      'home/',
      'someone/',
      'organisms/',
      'demo/',
      'handlers/',
      'calculator.',
      'ts: not found',
    ]);
  });

  it('breaks a qualified name after its braces, colons, dots and underscores', () => {
    expect(softBreaks('ENVELOPE_INVALID {urn:organism:bench}record_of_a_kind here')).toEqual([
      'ENVELOPE_INVALID {urn:',
      'organism:',
      'bench}',
      'record_',
      'of_',
      'a_',
      'kind here',
    ]);
  });

  it('leaves prose and short tokens as one piece, and puts every text back together as it was', () => {
    const prose = 'tools.calculator: HandlerError: cannot divide 12 by zero at handlers/calc.ts:42:11';
    expect(softBreaks(prose)).toEqual([prose]);
    expect(softBreaks('')).toEqual(['']);
    for (const text of [prose, 'a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/', '  x   https://example.org/a?b=c&d=e  '])
      expect(softBreaks(text).join('')).toBe(text);
  });

  it('breaks after a run of separators, never inside it nor before the last character', () => {
    expect(softBreaks('see https://example.org/organisms/demo/')).toEqual([
      'see https://',
      'example.',
      'org/',
      'organisms/',
      'demo/',
    ]);
  });
});
