import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOperatorStore } from '../index.ts';
import { MemoryJournal } from '../memory/memory-journal.ts';
import { openPostgres } from '../postgres/open-postgres.ts';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { freshPostgres } from '../postgres/postgres-test.ts';
import { SqliteJournal } from '../sqlite/sqlite-journal.ts';
import { MemoryOperatorStore } from './memory-operator-store.ts';
import { hashToken } from './operator-store.ts';
import type { OperatorStore } from './operator-store.ts';
import { describeOperatorStoreContract } from './operator-store-contract.ts';
import { hashPassword, verifyPasswordHash } from './password-hash.ts';
import { PgOperatorStore } from './pg-operator-store.ts';
import { ensureFirstAdmin } from '../../lifecycle/first-admin.ts';
import { SqliteOperatorStore } from './sqlite-operator-store.ts';

/** What a test opened, closed after it unless the test closed it itself. */
const opened = new Set<() => Promise<void>>();

function track(close: () => unknown): () => Promise<void> {
  const once = async (): Promise<void> => {
    if (opened.delete(once)) await close();
  };
  opened.add(once);
  return once;
}

afterEach(async () => {
  for (const close of [...opened]) await close();
});

/** A SQLite journal, and a close that may come before the test's end. */
function openJournal(
  path = join(mkdtempSync(join(tmpdir(), 'operators-')), 'j.sqlite'),
): SqliteJournal & { closeNow: () => Promise<void> } {
  const journal = new SqliteJournal({ path, durability: 'fast' });
  return Object.assign(journal, { closeNow: track(() => journal.close()) });
}

/** A PostgreSQL journal's database, and a close that may come before the test's end. */
async function openPg(settings = freshPostgres()): Promise<OpenPostgres & { closeNow: () => Promise<void> }> {
  const open = await openPostgres(settings);
  return { ...open, closeNow: track(() => open.close()) };
}

describeOperatorStoreContract('memory', (opts) => new MemoryOperatorStore(opts));
describeOperatorStoreContract('sqlite', (opts) => new SqliteOperatorStore(openJournal().database, opts));
describeOperatorStoreContract('postgres', async (opts) => new PgOperatorStore(await openPg(), opts));

/** An operator store on a database of its own, and that database's rows as they are stored. */
interface Opened {
  store: OperatorStore;
  rows: (table: string) => Promise<Record<string, unknown>[]>;
  close: () => Promise<void>;
}

/** Each SQL store's opener: every call opens the same database again (the engine restarting). */
const databases: [name: string, database: () => () => Promise<Opened>][] = [
  [
    'sqlite',
    () => {
      const path = join(mkdtempSync(join(tmpdir(), 'operators-')), 'j.sqlite');
      return () => {
        const journal = openJournal(path);
        const { sqlite } = journal.database;
        return Promise.resolve({
          store: new SqliteOperatorStore(journal.database),
          rows: (table) =>
            Promise.resolve(sqlite.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]),
          close: journal.closeNow,
        });
      };
    },
  ],
  [
    'postgres',
    () => {
      const settings = freshPostgres();
      return async () => {
        const open = await openPg(settings);
        return {
          store: new PgOperatorStore(open),
          rows: async (table) =>
            (await open.pool.query<Record<string, unknown>>(`SELECT * FROM ${table}`)).rows,
          close: open.closeNow,
        };
      };
    },
  ],
];

describe.each(databases)('%s operator store', (_name, database) => {
  it('stores only hashes: no token or password text is in the database', async () => {
    const { store, rows } = await database()();
    const ada = await store.createUser('ada', 'admin', 'correct horse battery');
    const session = await store.createSession(ada.id, 60_000);
    const api = await store.createToken('producer', 'ada');

    const [user] = await rows('users');
    expect(user?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect((await rows('sessions'))[0]?.id).toBe(hashToken(session.token));
    expect((await rows('api_tokens'))[0]?.hash).toBe(hashToken(api.token));

    const everything = JSON.stringify(await Promise.all(['users', 'sessions', 'api_tokens'].map(rows)));
    expect(everything).not.toContain(session.token);
    expect(everything).not.toContain(api.token);
    expect(everything).not.toContain(api.token.slice(4));
    expect(everything).not.toContain('correct horse battery');
  });

  it('keeps users, sessions, tokens and the audit log across a restart', async () => {
    const open = database();
    const first = await open();
    const before = first.store;
    const ada = await before.createUser('ada', 'admin', 'correct horse battery');
    const session = await before.createSession(ada.id, 60_000);
    const api = await before.createToken('producer', 'ada', ['billing']);
    await before.audit({
      actor: 'ada',
      action: 'reload',
      target: null,
      detail: null,
      outcome: 'ok',
      error: null,
    });
    await first.close();

    const after = (await open()).store;
    expect(await after.sessionUser(session.token)).toEqual(ada);
    expect(await after.tokenValid(api.token)).toMatchObject({ id: api.id, producers: ['billing'] });
    expect((await after.listAudit({ limit: 10 })).items.map((e) => e.action)).toEqual(['reload']);
  });

  it('keeps one admin when the last two are demoted at the same time', async () => {
    const { store } = await database()();
    await store.createUser('root', 'admin', 'correct horse battery');
    await store.createUser('second', 'admin', 'correct horse battery');
    // Open connections first (PostgreSQL's pool), so the two transactions really overlap.
    await Promise.all([store.countUsers(), store.countUsers(), store.countUsers()]);
    const results = await Promise.allSettled([
      store.setRole('root', 'viewer'),
      store.setRole('second', 'viewer'),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toMatchObject([{ reason: { code: 'CONFLICT' } }]);
    expect((await store.listUsers()).filter((u) => u.role === 'admin')).toHaveLength(1);
  });

  it('rejects as JOURNAL_UNAVAILABLE once its database is closed', async () => {
    const { store, close } = await database()();
    await close();
    await expect(store.listUsers()).rejects.toMatchObject({
      code: 'JOURNAL_UNAVAILABLE',
      message: expect.stringMatching(/^the journal cannot list users now/) as unknown,
    });
    await expect(store.tokenValid('org_x')).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
  });
});

describe('the first admin on a shared PostgreSQL journal', () => {
  it('is made once when engines start together, and every engine starts', async () => {
    const settings = freshPostgres();
    const stores = [];
    for (let i = 0; i < 3; i++) stores.push(new PgOperatorStore(await openPg(settings)));
    const printed: string[] = [];
    await Promise.all(stores.map((store) => ensureFirstAdmin(store, {}, (line) => printed.push(line))));
    expect((await stores[0]!.listUsers()).map((u) => [u.name, u.role])).toEqual([['admin', 'admin']]);
    expect(printed.filter((line) => line.startsWith('created admin user'))).toHaveLength(1);
  });
});

describe('openOperatorStore', () => {
  it('uses the SQLite journal file for a SQLite journal and memory otherwise', () => {
    expect(openOperatorStore(openJournal())).toBeInstanceOf(SqliteOperatorStore);
    expect(openOperatorStore(new MemoryJournal())).toBeInstanceOf(MemoryOperatorStore);
  });
});

describe('password hash', () => {
  it('salts each hash and never matches a malformed one', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(await verifyPasswordHash('correct horse battery', a)).toBe(true);
    expect(await verifyPasswordHash('correct horse battery', 'plain')).toBe(false);
    expect(await verifyPasswordHash('correct horse battery', a.replace(/\$[\w-]+$/, '$'))).toBe(false);
    expect(await verifyPasswordHash('correct horse battery', a.replace('scrypt$16384', 'scrypt$abc'))).toBe(
      false,
    );
  });
});
