import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { SqliteJournal } from './sqlite-journal.ts';

describe('the checkpointer thread', () => {
  it('copies the WAL into the database file while the engine only writes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-checkpoints-')), 'journal.sqlite');
    const j = new SqliteJournal({
      path,
      durability: 'fast',
      checkpoints: { startAtBytes: 1, intervalMs: 20 },
    });
    const before = statSync(path).size;
    // 64 batches: the WAL is looked at every 64th, and the thread starts then.
    for (let i = 0; i < 64; i++) await j.hooks.onIntent?.([delivery(), delivery()]);
    const deadline = Date.now() + 10_000;
    while (j.backgroundCheckpoints === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(j.backgroundCheckpoints).toBeGreaterThan(0);
    // The engine's own connection checkpoints only past 100,000 pages: the pages came from the thread.
    expect(statSync(path).size).toBeGreaterThan(before);
    expect((await j.stats()).counts.PENDING).toBe(128);
    await j.close();
    // Closing stopped the thread, whose connection would otherwise keep the WAL file.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('never starts for a journal whose WAL stays small', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-checkpoints-')), 'journal.sqlite');
    const j = new SqliteJournal({ path, durability: 'fast' });
    for (let i = 0; i < 64; i++) await j.hooks.onIntent?.([delivery()]);
    await new Promise((r) => setTimeout(r, 100));
    expect(j.backgroundCheckpoints).toBe(0);
    await j.close();
  });
});
