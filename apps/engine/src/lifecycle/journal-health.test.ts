import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import type { JournalAvailableEvent, JournalUnavailableEvent } from '@organism/shared';
import { JournalHealth, describeWriteError } from './journal-health.ts';

let health: JournalHealth | undefined;
afterEach(() => health?.stop());

function setup(probe: () => Promise<void>): {
  health: JournalHealth;
  logs: string[];
  events: (JournalUnavailableEvent | JournalAvailableEvent)[];
} {
  const logs: string[] = [];
  const record = (_fields: object, msg: string): void => void logs.push(msg);
  const events: (JournalUnavailableEvent | JournalAvailableEvent)[] = [];
  health = new JournalHealth({
    probe,
    unrecorded: () => 0,
    emit: (e) => void events.push(e),
    log: { error: record, warn: record, info: record, debug: record },
    probeEveryMs: 10,
  });
  return { health, logs, events };
}

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

it('reports an outage once however many writes fail, and ends it only when a probe succeeds', async () => {
  let writable = false;
  let probes = 0;
  const t = setup(() => {
    probes++;
    if (writable) return Promise.resolve();
    t.health.written(full);
    return Promise.reject(full);
  });
  t.health.written(full);
  t.health.written(full);
  expect(t.health.condition).toMatchObject({
    available: false,
    reason: 'SQLITE_FULL: database or disk is full',
  });
  // A small ordinary write that squeezed in proves nothing: still unavailable.
  t.health.written();
  await sleep(60);
  expect(t.health.available).toBe(false);
  expect(probes).toBeGreaterThanOrEqual(2);
  expect(t.logs).toHaveLength(1);
  expect(t.events.map((e) => e.type)).toEqual(['journal.unavailable']);

  writable = true;
  await sleep(40);
  expect(t.health.available).toBe(true);
  expect(t.logs).toHaveLength(2);
  expect(t.logs[1]).toMatch(/journal available again/);
  const back = t.events[1] as JournalAvailableEvent;
  expect(back.type).toBe('journal.available');
  expect(back.failedWrites).toBe(2 + probes - 1);
  const after = probes;
  await sleep(40);
  expect(probes).toBe(after);
});

it('names the SQLite code when the message leaves it out', () => {
  expect(describeWriteError(full)).toBe('SQLITE_FULL: database or disk is full');
  expect(describeWriteError(new Error('disk I/O error'))).toBe('disk I/O error');
  expect(describeWriteError('odd')).toBe('odd');
});
