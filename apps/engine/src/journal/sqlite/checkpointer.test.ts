import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { stderrLog } from '../../pump/stderr-log.ts';
import { Checkpointer } from './checkpointer.ts';
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

  it('finishes a round that frames outran, so that the next commit starts the WAL over', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-checkpoints-')), 'journal.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x TEXT)');
    const write = (n: number) => {
      const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < n; i++) insert.run('x'.repeat(1000));
      })();
    };
    // The WAL header's checkpoint sequence: SQLite adds one each time the WAL starts over.
    const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
    const checkpointer = new Checkpointer(db, path, false, stderrLog('test'), { startAtBytes: 1 });
    // A round as it goes under steady load: frames committed while the thread copies (here, behind a
    // reader's snapshot) are left in the WAL, so the writer cannot start it over.
    const round = (finish: boolean) => {
      write(100);
      const reader = new Database(path, { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM t').get();
      write(100);
      const thread = new Database(path);
      const [r] = thread.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      expect(r!.checkpointed).toBeLessThan(r!.log);
      thread.close();
      reader.exec('COMMIT');
      reader.close();
      if (finish) checkpointer.finishRound();
      const before = restarts();
      write(1);
      return restarts() - before;
    };
    expect(round(false)).toBe(0);
    expect(round(true)).toBe(1);
    expect(checkpointer.finished).toBe(1);
    db.close();
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
