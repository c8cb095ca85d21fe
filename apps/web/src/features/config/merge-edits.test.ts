import { describe, expect, it } from 'vitest';
import { mergeEdits } from './merge-edits.ts';

const base = [
  'organism: demo',
  'listeners:',
  '  - name: greeter',
  '    concurrency: 4',
  '  - name: shouter',
  '    concurrency: 2',
  '',
].join('\n');

describe('mergeEdits', () => {
  it('applies one’s edits to the file as another save left it, when they touch other lines', () => {
    const mine = base.replace('greeter\n    concurrency: 4', 'greeter\n    concurrency: 8');
    const theirs =
      base.replace('shouter\n    concurrency: 2', 'shouter\n    concurrency: 3') + '  - name: echo\n';
    expect(mergeEdits(base, mine, theirs)).toEqual({
      ok: true,
      text: theirs.replace('greeter\n    concurrency: 4', 'greeter\n    concurrency: 8'),
    });
  });

  it('takes a line both changed the same way once', () => {
    const both = base.replace('concurrency: 4', 'concurrency: 6');
    expect(mergeEdits(base, both, both)).toEqual({ ok: true, text: both });
  });

  it('names the lines of one’s own text where both changed the same lines differently', () => {
    const mine = base.replace('concurrency: 4', 'concurrency: 8');
    const theirs = base.replace('concurrency: 4', 'concurrency: 1');
    expect(mergeEdits(base, mine, theirs)).toEqual({ ok: false, conflicts: [{ line: 4, lines: 1 }] });
  });

  it('keeps one’s text as it is when the other change undid nothing of it', () => {
    const mine = base + '  - name: echo\n';
    expect(mergeEdits(base, mine, base)).toEqual({ ok: true, text: mine });
  });
});
