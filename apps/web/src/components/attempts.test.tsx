import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { Attempts } from './attempts';

it('shows the attempts of a dispatched message, and a dash for what was never dispatched', () => {
  expect(renderToStaticMarkup(<Attempts m={{ attempts: 1_200, egress: false, kind: 'message' }} />)).toBe(
    '1,200',
  );
  // Refused at intake, and an answer handed to an outside producer: no attempt at all, not zero.
  for (const m of [
    { attempts: 0, egress: false, kind: 'rejected' },
    { attempts: 0, egress: true, kind: 'message' },
  ] as const)
    expect(renderToStaticMarkup(<Attempts m={m} />)).toBe(
      '<span class="text-muted" title="never dispatched">—</span>',
    );
});
