import { describe, expect, it } from 'vitest';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { DEMO, startHarness } from '../support/server-harness.ts';

describe('organism.engines', () => {
  it('lists no engines on a journal this engine has alone (SQLite)', async () => {
    const h = await startHarness();
    try {
      const viewer = await h.client('viewer');
      expect(await viewer.organism.engines.query()).toEqual({ shared: false, engines: [], config: null });
    } finally {
      await h.close();
    }
  });

  it('lists the engines sharing a PostgreSQL journal, marking the one answering', async () => {
    const h = await startHarness(DEMO, await PostgresJournal.open(freshPostgres()));
    try {
      const viewer = await h.client('viewer');
      const before = await viewer.organism.engines.query();
      expect(before.shared).toBe(true);
      expect(before.engines).toHaveLength(1);
      expect(before.engines[0]).toMatchObject({
        pid: process.pid,
        state: 'running',
        self: true,
        address: null,
        adoptedBy: null,
        adoptedAt: null,
      });
      // Where it serves appears once the engine records it (`organism run` does, after listening).
      await h.engine.announce(h.url, false);
      const after = await viewer.organism.engines.query();
      expect(after.engines.map((e) => [e.address, e.self])).toEqual([[h.url, true]]);
    } finally {
      await h.close();
    }
  });
});
