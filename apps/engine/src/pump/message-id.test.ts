import { messageIdSchema } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-id.ts';

const CYCLE = 2 ** 32;
const start = (id: string): number => Number.parseInt(id.slice(0, 8), 16);
const microsecond = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000) % CYCLE;

describe('newMessageId', () => {
  it('makes RFC 9562 version 8 UUIDs that the shared schema accepts', () => {
    const id = newMessageId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(messageIdSchema.safeParse(id).success).toBe(true);
  });

  it('starts each id with the microsecond it was made in, modulo 2^32', () => {
    const before = microsecond();
    const id = newMessageId();
    const after = microsecond();
    // Ahead of the clock by at most the ids made faster than it ticked in this file's other tests.
    expect((start(id) - before + CYCLE) % CYCLE).toBeLessThan(after - before + 1 + 100_000);
  });

  it('gives ids made faster than the clock ticks distinct, rising starts and distinct random ends', () => {
    const ids = Array.from({ length: 20_000 }, newMessageId);
    for (let i = 1; i < ids.length; i++) {
      const step = (start(ids[i]!) - start(ids[i - 1]!) + CYCLE) % CYCLE;
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThan(1_000_000);
    }
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(9))).size).toBe(ids.length);
  });
});
