import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../postgres/open-postgres.ts';
import { freshPostgres } from '../postgres/postgres-test.ts';
import { openDatabase } from '../sqlite/open-database.ts';
import { storeMakers } from '../store-makers.ts';
import { MemoryOperationsStore, SqliteOperationsStore } from './operations-store.ts';
import { PgOperationsStore } from './pg-operations-store.ts';
import type { OperationsStore } from './operations-store.ts';

const makers = storeMakers<OperationsStore>(
  () => new MemoryOperationsStore(),
  (open) => new SqliteOperationsStore(open),
  (open) => new PgOperationsStore(open),
);

describe.each(makers)('%s operations store', (_name, make) => {
  it('keeps paused listeners by name, a second pause updating who and when, until cleared', async () => {
    const s = await make();
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
    const s = await make();
    await s.recordRepublish([{ messageId: 'm2', sourceId: 'm1', actor: 'ops', at: 10 }]);
    await s.recordRepublish([{ messageId: 'm3', sourceId: 'm1', actor: 'root', at: 20 }]);
    expect(await s.republishOf('m2')).toEqual({ messageId: 'm2', sourceId: 'm1', actor: 'ops', at: 10 });
    expect(await s.republishOf('m1')).toBeUndefined();
    expect((await s.republishedAs('m1')).map((l) => l.messageId)).toEqual(['m2', 'm3']);
    expect(await s.republishedAs('m2')).toEqual([]);
  });
});

/** Each SQL store's opener: every call opens the same database again (the engine restarting). */
const databases: [
  name: string,
  database: () => () => Promise<{ store: OperationsStore; close(): unknown }>,
][] = [
  [
    'sqlite',
    () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ops-store-')), 'j.db');
      return () => {
        const open = openDatabase(file, 'fast');
        return Promise.resolve({ store: new SqliteOperationsStore(open), close: () => open.close() });
      };
    },
  ],
  [
    'postgres',
    () => {
      const settings = freshPostgres();
      return async () => {
        const open = await openPostgres(settings);
        return { store: new PgOperationsStore(open), close: () => open.close() };
      };
    },
  ],
];

it.each(databases)(
  'keeps a pause in the %s database across connections (a restart)',
  async (_name, database) => {
    const open = database();
    const first = await open();
    try {
      await first.store.setPaused({ name: 'shouter', by: 'ops', at: 5 });
    } finally {
      await first.close();
    }
    const second = await open();
    try {
      expect(await second.store.paused()).toEqual([{ name: 'shouter', by: 'ops', at: 5 }]);
    } finally {
      await second.close();
    }
  },
);
