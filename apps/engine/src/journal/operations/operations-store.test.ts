import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database.ts';
import { storeMakers } from '../store-makers.ts';
import { MemoryOperationsStore, SqliteOperationsStore } from './operations-store.ts';
import type { OperationsStore } from './operations-store.ts';

const makers = storeMakers<OperationsStore>(
  () => new MemoryOperationsStore(),
  (open) => new SqliteOperationsStore(open),
);

describe.each(makers)('%s operations store', (_name, make) => {
  it('keeps paused listeners by name, a second pause updating who and when, until cleared', async () => {
    const s = make();
    expect(await s.paused()).toEqual([]);
    await s.setPaused({ name: 'shouter', by: 'ops', at: 1 });
    await s.setPaused({ name: 'echo', by: 'ops', at: 2 });
    await s.setPaused({ name: 'shouter', by: 'root', at: 3 });
    expect(await s.paused()).toEqual([
      { name: 'echo', by: 'ops', at: 2 },
      { name: 'shouter', by: 'root', at: 3 },
    ]);
    await s.clearPaused('echo');
    await s.clearPaused('nobody');
    expect((await s.paused()).map((p) => p.name)).toEqual(['shouter']);
  });

  it('links a republished message to its source both ways', async () => {
    const s = make();
    await s.recordRepublish([{ messageId: 'm2', sourceId: 'm1', actor: 'ops', at: 10 }]);
    await s.recordRepublish([{ messageId: 'm3', sourceId: 'm1', actor: 'root', at: 20 }]);
    expect(await s.republishOf('m2')).toEqual({ messageId: 'm2', sourceId: 'm1', actor: 'ops', at: 10 });
    expect(await s.republishOf('m1')).toBeUndefined();
    expect((await s.republishedAs('m1')).map((l) => l.messageId)).toEqual(['m2', 'm3']);
    expect(await s.republishedAs('m2')).toEqual([]);
  });
});

it('keeps a pause in the file across connections (a restart)', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ops-store-')), 'j.db');
  const first = openDatabase(file, 'fast');
  await new SqliteOperationsStore(first).setPaused({ name: 'shouter', by: 'ops', at: 5 });
  first.close();
  const second = openDatabase(file, 'fast');
  try {
    expect(await new SqliteOperationsStore(second).paused()).toEqual([{ name: 'shouter', by: 'ops', at: 5 }]);
  } finally {
    second.close();
  }
});
