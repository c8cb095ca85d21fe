import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SqliteJournal } from '../../src/journal/sqlite/sqlite-journal.ts';
import { fillJournal } from '../support/journal-faults.ts';

let journal: SqliteJournal | undefined;
afterEach(async () => {
  await journal?.close();
  journal = undefined;
});

it('probes with a real write that leaves nothing behind, and tells watchers of every outcome', async () => {
  journal = new SqliteJournal({
    path: join(mkdtempSync(join(tmpdir(), 'organism-probe-')), 'journal.sqlite'),
    durability: 'strict',
  });
  const outcomes: string[] = [];
  journal.watchWrites(
    (err) => void outcomes.push(err === undefined ? 'ok' : err instanceof Error ? err.message : 'failed'),
  );
  const before = await journal.stats();
  const restore = fillJournal(journal.database.sqlite);
  await expect(journal.probe()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]).toMatch(/full/);

  restore();
  await journal.probe();
  expect(outcomes.at(-1)).toBe('ok');
  const after = await journal.stats();
  expect(after.counts).toEqual(before.counts);
  expect(after.lastSeq).toBe(before.lastSeq);
});
