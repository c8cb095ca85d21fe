import type { MessageDetail } from '@organism/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { JustRetried, TallyLine } from './just-retried';

const failed = {
  id: 'a1b2c3d4-0000-4000-8000-000000000000',
  state: 'FAILED',
  attempts: 4,
  errorCode: 'HANDLER_ERROR',
  updatedAt: Date.now(),
} as MessageDetail;
const text = (items: Parameters<typeof JustRetried>[0]['items']) =>
  renderToStaticMarkup(<JustRetried items={items} />).replace(/<[^>]+>/g, ' ');

it('says a retried message discarded since is gone, instead of the state it was last read in', () => {
  const gone = { message: 'no message a1b2c3d4', data: { engineCode: 'NOT_FOUND' } };
  expect(text([{ id: failed.id, message: failed, error: gone }])).toContain(
    'no longer in the journal: discarded, or pruned by retention',
  );
  expect(text([{ id: failed.id, message: failed, error: null }])).toContain('FAILED');
});

it('says where a retry all is, delivered and failed again always, the other states when some are in them', () => {
  const line = (t: Parameters<typeof TallyLine>[0]['tally']) =>
    renderToStaticMarkup(<TallyLine tally={t} />)
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ');
  const none = { waiting: 0, running: 0, delivered: 0, failedAgain: 0, discarded: 0 };
  expect(line({ ...none, queued: 696, followed: 696, delivered: 650, failedAgain: 40, waiting: 6 })).toBe(
    'Retry all queued 696: 650 delivered · 40 failed again · 6 waiting. Any that fail again come back to the list above.',
  );
  expect(
    renderToStaticMarkup(
      <TallyLine tally={{ ...none, queued: 3, followed: 3, failedAgain: 3 }} what="Retry many" />,
    ),
  ).toContain('Retry many done: 0 delivered, 3 failed again.');
  // Said to a screen reader once, when none is waiting or running any more.
  expect(line({ ...none, queued: 696, followed: 696, delivered: 650, failedAgain: 46 })).toContain(
    'Retry all done: 650 delivered, 46 failed again.',
  );
  expect(line({ ...none, queued: 25_000, followed: 10_000, waiting: 10_000 })).toContain(
    'Retry all queued 25,000 (the first 10,000 counted): 0 delivered · 0 failed again · 10,000 waiting.',
  );
});
