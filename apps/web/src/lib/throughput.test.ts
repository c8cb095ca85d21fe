import { describe, expect, it } from 'vitest';
import { formatClock } from './format.ts';
import { countedFrom, describeThroughput, restartIn, throughputWindow } from './throughput.ts';

describe('throughputWindow', () => {
  it('counts the seconds the tab heard, and leaves a gap where its stream was away', () => {
    const now = 1_000_000_000;
    const end = Math.floor(now / 1000) - 1;
    const bySecond = new Map([[end, { delivered: 4, failed: 1, rejected: 0 }]]);
    const w = throughputWindow(now, { bySecond, since: end - 3, unheard: new Set([end - 1]) }, undefined);
    expect(w.seconds.slice(-5)).toEqual([end - 4, end - 3, end - 2, end - 1, end]);
    // Before the tab opened: unknown; heard and quiet: zero; away: unknown; heard: its count.
    expect(w.delivered.slice(-5)).toEqual([null, 0, 0, null, 4]);
    expect(w.failed.slice(-5)).toEqual([null, 0, 0, null, 1]);
  });
});

it('says from which second a window is counted when it starts with seconds nobody counted', () => {
  const t = { seconds: [10, 11, 12, 13], delivered: [null, null, 4, 0], failed: [], rejected: [] };
  expect(countedFrom(t)).toBe(12);
  expect(countedFrom({ ...t, delivered: [1, null, 4, 0] })).toBeUndefined();
  expect(countedFrom({ ...t, delivered: [null, null, null, null] })).toBeUndefined();
});

it('marks an engine start within the window only when seconds before it were counted (a restart)', () => {
  const t = { seconds: [10, 11, 12, 13], delivered: [null, 2, 0, 4], failed: [], rejected: [] };
  // Started at 12.4 s; 11 was counted before it (by the engine before, or by this tab).
  expect(restartIn(t, 12_400)).toBe(12);
  // An engine that started with the counting, or before the window, or not known yet: no restart to mark.
  expect(restartIn(t, 11_000)).toBeUndefined();
  expect(restartIn(t, 5_000)).toBeUndefined();
  expect(restartIn(t, undefined)).toBeUndefined();
  expect(restartIn({ ...t, delivered: [null, null, null, null] }, 12_400)).toBeUndefined();
});

it('says the window in words: its totals over the seconds counted and its busiest second', () => {
  const t = {
    seconds: [10, 11, 12, 13],
    delivered: [null, 2, 1_500, 4],
    failed: [null, 1, 0, 2],
    rejected: [null, 0, 0, 1],
  };
  const words = describeThroughput(t);
  expect(words).toMatch(
    /^1,506 delivered, 3 failed, 1 rejected \(counted over the last 3 s only\); busiest 1,500 /,
  );
  expect(words).toContain(formatClock(12_000));
  // Counted from its start: no "counted over"; quiet: no busiest second; never counted: said so.
  const quiet = { ...t, delivered: [0, 0, 0, 0], failed: [0, 0, 0, 0], rejected: [0, 0, 0, 0] };
  expect(describeThroughput(quiet)).toBe('0 delivered, 0 failed, 0 rejected.');
  expect(describeThroughput({ ...t, delivered: [null, null, null, null] })).toBe('Not counted yet.');
});
