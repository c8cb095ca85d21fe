import { expect, it } from 'vitest';
import { RetriedFollower } from './retried-tally';

const t = (messageId: string, state: 'PENDING' | 'DISPATCHED' | 'ACKED' | 'FAILED' | 'DISCARDED') => ({
  messageId,
  state,
});

it('counts where each retried dead letter is now, from its last transition, and nothing else', () => {
  const f = new RetriedFollower();
  expect(f.tally()).toBeUndefined();
  f.sending();
  f.follow(['a', 'b', 'c', 'd'], 4);
  expect(f.tally()).toEqual({
    queued: 4,
    followed: 4,
    waiting: 4,
    running: 0,
    delivered: 0,
    failedAgain: 0,
    discarded: 0,
  });
  expect(f.apply(t('a', 'DISPATCHED'))).toBe(true);
  expect(f.apply(t('a', 'ACKED'))).toBe(true);
  expect(f.apply(t('b', 'DISPATCHED'))).toBe(true);
  f.apply(t('b', 'FAILED'));
  f.apply(t('c', 'DISPATCHED'));
  f.apply(t('d', 'DISCARDED'));
  // Another message's transitions move nothing.
  expect(f.apply(t('z', 'FAILED'))).toBe(false);
  expect(f.tally()).toMatchObject({ waiting: 0, running: 1, delivered: 1, failedAgain: 1, discarded: 1 });
});

it('reads what the stream brought between sending the retry and its answer, and only for the ids it names', () => {
  const f = new RetriedFollower();
  f.sending();
  // The first chunk delivered (one failed again) before the last was moved and the answer came.
  f.apply(t('a', 'PENDING'));
  f.apply(t('a', 'DISPATCHED'));
  f.apply(t('a', 'ACKED'));
  f.apply(t('b', 'DISPATCHED'));
  f.apply(t('b', 'FAILED'));
  f.apply(t('other', 'ACKED'));
  f.follow(['a', 'b', 'c'], 3);
  expect(f.tally()).toMatchObject({ followed: 3, waiting: 1, delivered: 1, failedAgain: 1 });
  // What came before this retry was sent is not read: a new retry starts from its own answer.
  f.follow(['a'], 1);
  expect(f.tally()).toMatchObject({ followed: 1, waiting: 1, delivered: 0 });
});

it('says how many it queued beside how many it counts, when the engine named only the first of them', () => {
  const f = new RetriedFollower();
  f.sending();
  f.follow(['a', 'b'], 25_000);
  expect(f.tally()).toMatchObject({ queued: 25_000, followed: 2, waiting: 2 });
});

it('keeps nothing of a retry that did not happen', () => {
  const f = new RetriedFollower();
  f.sending();
  f.apply(t('a', 'ACKED'));
  f.abandon();
  f.follow(['a'], 1);
  expect(f.tally()).toMatchObject({ waiting: 1, delivered: 0 });
});

it('tells its subscribers of each change of the tally, and hands the same tally until one', () => {
  const f = new RetriedFollower();
  let told = 0;
  const stop = f.subscribe(() => told++);
  f.sending();
  f.follow(['a', 'b'], 2);
  expect(told).toBe(1);
  const before = f.tally();
  expect(f.tally()).toBe(before);
  f.apply(t('a', 'PENDING')); // where it was already: no change
  f.apply(t('z', 'ACKED'));
  expect(told).toBe(1);
  f.apply(t('a', 'DISPATCHED'));
  expect(told).toBe(2);
  expect(f.tally()).not.toBe(before);
  expect(f.tally()).toMatchObject({ waiting: 1, running: 1 });
  stop();
  f.apply(t('a', 'ACKED'));
  expect(told).toBe(2);
  expect(f.tally()).toMatchObject({ waiting: 1, running: 0, delivered: 1 });
});
