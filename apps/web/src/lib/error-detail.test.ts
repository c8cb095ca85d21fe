import { describe, expect, it } from 'vitest';
import { splitStack, withoutListener, wordsFirst } from './error-detail';

describe('splitStack', () => {
  it('folds a stack trace away from the message, frames trimmed, the first frame first', () => {
    const detail = [
      'tools.calculator: HandlerError: cannot divide 8 by zero',
      '    at Object.calculate (/srv/demo/handlers/calculator.ts:15:38)',
      '    at runHandler (/srv/engine/src/pump/handler-run.ts:233:29)',
      '',
    ].join('\n');
    expect(splitStack(detail)).toEqual({
      message: 'tools.calculator: HandlerError: cannot divide 8 by zero',
      frames: [
        'at Object.calculate (/srv/demo/handlers/calculator.ts:15:38)',
        'at runHandler (/srv/engine/src/pump/handler-run.ts:233:29)',
      ],
    });
  });

  it('keeps a message of several lines whole', () => {
    const detail = 'listener x: Error: first line\nsecond line\n    at f (a.ts:1:1)';
    expect(splitStack(detail)).toEqual({
      message: 'listener x: Error: first line\nsecond line',
      frames: ['at f (a.ts:1:1)'],
    });
  });

  it('leaves a detail without a trace as it is, even one that mentions "at"', () => {
    const detail = 'sleeper did not finish within 200 ms\nat the second attempt';
    expect(splitStack(detail)).toEqual({ message: detail, frames: [] });
    // Only indented frames count: a detail that starts with one has no message to keep apart.
    expect(splitStack('    at f (a.ts:1:1)').frames).toEqual([]);
  });
});

describe('withoutListener', () => {
  it('drops the listener name a failure line starts with, and nothing else', () => {
    expect(
      withoutListener('tools.calculator: HandlerError: cannot divide 8 by zero', 'tools.calculator'),
    ).toBe('HandlerError: cannot divide 8 by zero');
    expect(withoutListener('killed by operator', 'sleeper')).toBe('killed by operator');
    expect(withoutListener('tools.calc: x', 'tools.calculator')).toBe('tools.calc: x');
    expect(withoutListener('greeter: x', null)).toBe('greeter: x');
    expect(withoutListener(null, 'greeter')).toBeUndefined();
  });
});

describe('wordsFirst', () => {
  it("puts a problem's words before its place, and leaves other lines alone", () => {
    expect(wordsFirst("1 /*/greeting/nom: Element 'nom': This element is not expected.")).toBe(
      "Element 'nom': This element is not expected. (line 1, /*/greeting/nom)",
    );
    expect(wordsFirst('3:7 /*/a: bad')).toBe('bad (line 3:7, /*/a)');
    expect(wordsFirst('HandlerError: division by zero')).toBe('HandlerError: division by zero');
  });
});
