import type { DrainEvent } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { describeEvent } from './describe-event.ts';

const drain = (over: Partial<DrainEvent>): DrainEvent => ({
  type: 'drain',
  at: 0,
  openThreads: 0,
  inFlight: 0,
  queued: 0,
  waitingPaused: [],
  elapsedMs: 2_000,
  deadlineMs: 10_000,
  ...over,
});

describe('a drain’s log lines', () => {
  it('say what is left while it runs, and what waits for a paused listener', () => {
    expect(
      describeEvent(
        drain({ openThreads: 51, queued: 51, waitingPaused: [{ listener: 'greeter', queued: 50 }] }),
      ),
    ).toBe('draining: 51 open threads, 0 running, 51 queued (50 waiting for paused greeter) (2 s of 10 s)');
  });

  it('say how it ended: drained, only paused work left, or out of time', () => {
    expect(describeEvent(drain({ ended: 'drained' }))).toBe('drained in 2 s');
    expect(
      describeEvent(
        drain({ ended: 'paused', queued: 50, waitingPaused: [{ listener: 'greeter', queued: 50 }] }),
      ),
    ).toBe('drained: 50 waiting for paused greeter stay in the journal, PENDING');
    expect(describeEvent(drain({ ended: 'timeout', elapsedMs: 10_000, inFlight: 2, openThreads: 2 }))).toBe(
      'drain ran out of time after 10 s: 2 open threads, 2 running, 0 queued; what is unfinished stays in the journal',
    );
  });
});
