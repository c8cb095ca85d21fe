import { describe, expect, it } from 'vitest';
import { countedFrom, throughputWindow } from './throughput.ts';

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
