import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Delivery } from './delivery.ts';
import { RetrySchedule } from './retry-schedule.ts';

const delivery = (id: string, threadId = 't1'): Delivery =>
  ({ id, threadId, attempt: 1 }) as unknown as Delivery;

describe('RetrySchedule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands a delivery over at its time, after onTime, and at once when its time has passed', () => {
    const due: string[] = [];
    const schedule = new RetrySchedule((d) => due.push(`${d.id}@${d.attempt}`));
    schedule.at(delivery('late'), Date.now() + 1_000, (d) => d.attempt++);
    schedule.at(delivery('now'), Date.now() - 1);
    expect(due).toEqual(['now@1']);
    vi.advanceTimersByTime(999);
    expect(due).toEqual(['now@1']);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['now@1', 'late@2']);
  });

  it('waits longer than setTimeout can in one step without firing early', () => {
    const due: string[] = [];
    const schedule = new RetrySchedule((d) => due.push(d.id));
    const far = 2 ** 31 + 5_000;
    schedule.at(delivery('far'), Date.now() + far);
    vi.advanceTimersByTime(2 ** 31);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(5_000);
    expect(due).toEqual(['far']);
  });

  it('gives back what a kill takes out, and a clear cancels the rest', () => {
    const due: string[] = [];
    const schedule = new RetrySchedule((d) => due.push(d.id));
    schedule.at(delivery('a', 'killed'), Date.now() + 100);
    schedule.at(delivery('b', 'other'), Date.now() + 100);
    schedule.at(delivery('c', 'other'), Date.now() + 100);
    expect(schedule.takeWhere((d) => d.threadId === 'killed').map((d) => d.id)).toEqual(['a']);
    schedule.clear();
    vi.advanceTimersByTime(1_000);
    expect(due).toEqual([]);
  });
});
