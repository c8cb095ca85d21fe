import { describe, expect, it } from 'vitest';
import type { DiffAnswer } from './config-check';
import { summarize } from './config-check';

/** A sound check's answer, with only what `summarize` reads. */
function sound(diff: Partial<Extract<DiffAnswer, { ok: true }>['diff']>, unfinished = 0): DiffAnswer {
  return {
    ok: true,
    diff: { added: [], removed: [], changed: [], settings: [], ...diff },
    impact: unfinished ? [{ listener: 'sleeper', unfinished }] : [],
    contracts: [],
  } as unknown as DiffAnswer;
}

describe('summarize', () => {
  it('names a default the listeners take beside the listeners it changes, not only the listeners', () => {
    expect(
      summarize(
        sound({
          changed: [
            { name: 'greeter', fields: ['retry'] },
            { name: 'shouter', fields: ['retry'] },
          ],
          settings: [{ key: 'retry.maxAttempts', when: 'reload' }],
        }),
      ),
    ).toBe('It changes retry.maxAttempts, greeter, shouter.');
  });

  it('says what only the next restart reads, and the work a removal leaves as dead letters', () => {
    expect(
      summarize(
        sound(
          { added: ['echo'], removed: ['sleeper'], settings: [{ key: 'pump.concurrency', when: 'restart' }] },
          2,
        ),
      ),
    ).toBe(
      'It adds echo; removes sleeper; changes pump.concurrency, read at the next restart. 2 unfinished messages become dead letters.',
    );
    expect(summarize(sound({}))).toBe('Nothing the engine reads changes.');
  });
});
