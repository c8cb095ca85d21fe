import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { stderrLog } from '../../pump/stderr-log.ts';
import { Checkpointer } from './checkpointer.ts';
import { FEW_FRAMES, MAX_PASSES, checkpointRound } from './checkpoint-round.mjs';
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

  it('checkpoints on commit, and finishes its rounds, on the connection that commits now', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-checkpoints-')), 'journal.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    const autocheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true });
    const checkpointer = new Checkpointer(db, path, false, stderrLog('test'));
    expect(autocheckpoint()).toBe(10_000);
    // The writer thread's connection, as the checkpointer sees it: pragmas run between its batches.
    const thread = { ran: [] as string[], pragma: (sql: string) => void thread.ran.push(sql) };
    checkpointer.moveTo(thread);
    expect(autocheckpoint()).toBe(0);
    checkpointer.finishRound();
    expect(thread.ran).toEqual(['wal_autocheckpoint = 10000', 'wal_checkpoint(PASSIVE)']);
    checkpointer.moveTo(db);
    expect(thread.ran.at(-1)).toBe('wal_autocheckpoint = 0');
    expect(autocheckpoint()).toBe(10_000);
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

describe("a checkpointer thread's round", () => {
  /**
   * A WAL journal and the thread's connection. `pass` checkpoints on the thread's connection, then the
   * engine's commits the next number of rows from `during` (1 KB each, about four to a frame), as if
   * they had arrived while the pass copied. A reader holds the WAL as it was meanwhile, so the commit
   * appends to it, as a commit made during the pass would, instead of starting it over.
   */
  function journalUnderLoad(during: number[]) {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-round-')), 'journal.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const write = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(1000));
    });
    write(2_000);
    const thread = new Database(path);
    const holder = new Database(path, { readonly: true });
    const pass = () => {
      const n = during.shift();
      if (n !== undefined) {
        holder.exec('BEGIN');
        holder.prepare('SELECT count(*) FROM t').get();
      }
      const [row] = thread.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      if (n !== undefined) {
        write(n);
        holder.exec('COMMIT');
      }
      return row!;
    };
    const close = () => {
      holder.close();
      thread.close();
      db.close();
    };
    return { db, path, pass, close };
  }

  it('copies again what commits added while it copied, until a pass copies few frames', () => {
    // 2,000 rows, then fewer during each pass, as passes shorten: ~500 frames, ~200, then ~25.
    const j = journalUnderLoad([2_000, 800, 100]);
    const round = checkpointRound(j.pass);
    expect(round.passes).toBe(4);
    expect(round.copied).toBeGreaterThan(0);
    expect(round.copied).toBeLessThanOrEqual(FEW_FRAMES);
    // The last pass copied what the last commit added: nothing is left for the engine's connection.
    expect(round.checkpointed).toBe(round.log);
    j.close();
  });

  it('stops after its last pass when commits outrun every pass', () => {
    const j = journalUnderLoad(Array.from({ length: MAX_PASSES + 2 }, () => 1_000));
    const round = checkpointRound(j.pass);
    expect(round.passes).toBe(MAX_PASSES);
    // Each pass copied a commit of ~250 frames: the round gave up on catching up, not on the frames.
    expect(round.copied).toBeGreaterThan(FEW_FRAMES);
    j.close();
  });

  it('stops after one pass when a reader keeps frames in the WAL', () => {
    const j = journalUnderLoad([]);
    const reader = new Database(j.path, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    j.db.exec("INSERT INTO t (x) VALUES ('after the reader')");
    const round = checkpointRound(j.pass);
    expect(round.passes).toBe(1);
    expect(round.checkpointed).toBeLessThan(round.log);
    reader.exec('COMMIT');
    reader.close();
    j.close();
  });
});
