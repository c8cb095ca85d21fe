import type { MessageDetail } from '@organism/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { JustRetried } from './just-retried';

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
