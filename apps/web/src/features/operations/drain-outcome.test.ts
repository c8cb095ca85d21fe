import type { DrainEvent } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { drainOutcome, latestFigures } from './drain-outcome';

const last = (over: Partial<DrainEvent>): DrainEvent => ({
  type: 'drain',
  at: 0,
  openThreads: 0,
  inFlight: 0,
  queued: 0,
  waitingPaused: [],
  elapsedMs: 1,
  deadlineMs: 10_000,
  ...over,
});

describe('drainOutcome', () => {
  it('says how long a drain took when nothing was left', () => {
    expect(drainOutcome(last({ ended: 'drained', elapsedMs: 1_200 }))).toBe('drained in 1.2 s');
  });

  it('says what waits for a paused listener stays in the journal, not that the time ran out', () => {
    expect(
      drainOutcome(
        last({
          ended: 'paused',
          queued: 50,
          openThreads: 50,
          waitingPaused: [{ listener: 'greeter', queued: 50 }],
        }),
      ),
    ).toBe('drained in 1 ms; 50 waiting for paused greeter stay in the journal until resumed');
    expect(
      drainOutcome(
        last({
          ended: 'paused',
          queued: 4,
          waitingPaused: [
            { listener: 'greeter', queued: 3 },
            { listener: 'shouter', queued: 1 },
          ],
        }),
      ),
    ).toBe(
      'drained in 1 ms; 3 waiting for paused greeter, 1 for paused shouter stay in the journal until resumed',
    );
  });

  it('says the time ran out, and what was unfinished, when it did', () => {
    expect(
      drainOutcome(
        last({
          ended: 'timeout',
          elapsedMs: 10_000,
          inFlight: 2,
          queued: 7,
          waitingPaused: [{ listener: 'greeter', queued: 5 }],
        }),
      ),
    ).toBe(
      'out of time after 10 s: 2 in flight, 2 queued, 5 waiting for paused greeter stay in the journal for the next engine',
    );
  });

  it('reads figures without an end from what they count', () => {
    expect(drainOutcome(last({ queued: 1, waitingPaused: [{ listener: 'greeter', queued: 1 }] }))).toBe(
      'drained in 1 ms; 1 waiting for paused greeter stays in the journal until resumed',
    );
  });
});

describe('latestFigures', () => {
  const status = { inFlight: 9, queued: 40, openThreads: 12 };
  const drain = { figures: last({ inFlight: 1, queued: 0, openThreads: 2 }), at: 2_000 };
  it("shows a drain's figures once they are later than the status's, and the status's again after", () => {
    expect(latestFigures(status, 1_000, undefined)).toBe(status);
    expect(latestFigures(status, 1_000, drain)).toBe(drain.figures);
    // The next engine's status, read after the drain's last event.
    expect(latestFigures(status, 3_000, drain)).toBe(status);
  });
});
