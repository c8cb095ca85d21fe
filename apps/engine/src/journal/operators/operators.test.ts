import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOperatorStore } from '../index.ts';
import { MemoryJournal } from '../memory/memory-journal.ts';
import { SqliteJournal } from '../sqlite/sqlite-journal.ts';
import { MemoryOperatorStore } from './memory-operator-store.ts';
import { hashToken } from './operator-store.ts';
import { describeOperatorStoreContract } from './operator-store-contract.ts';
import { hashPassword, verifyPasswordHash } from './password-hash.ts';
import { SqliteOperatorStore } from './sqlite-operator-store.ts';

const journals: SqliteJournal[] = [];

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'operators-')), 'j.sqlite');
}

function openJournal(path = journalFile()): SqliteJournal {
  const journal = new SqliteJournal({ path, durability: 'fast' });
  journals.push(journal);
  return journal;
}

afterEach(async () => {
  for (const j of journals.splice(0)) await j.close();
});

describeOperatorStoreContract('memory', (opts) => new MemoryOperatorStore(opts));
describeOperatorStoreContract('sqlite', (opts) => new SqliteOperatorStore(openJournal().database, opts));

describe('sqlite operator store', () => {
  it('stores only hashes: no token or password text is in the file', async () => {
    const journal = openJournal();
    const store = new SqliteOperatorStore(journal.database);
    const ada = await store.createUser('ada', 'admin', 'correct horse battery');
    const session = await store.createSession(ada.id, 60_000);
    const api = await store.createToken('producer', 'ada');
    const { sqlite } = journal.database;

    const user = sqlite.prepare('SELECT * FROM users').get() as Record<string, unknown>;
    expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    const sessionRow = sqlite.prepare('SELECT * FROM sessions').get() as Record<string, unknown>;
    expect(sessionRow.id).toBe(hashToken(session.token));
    const tokenRow = sqlite.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(tokenRow.hash).toBe(hashToken(api.token));

    const everything = JSON.stringify(
      ['users', 'sessions', 'api_tokens'].map((t) => sqlite.prepare(`SELECT * FROM ${t}`).all()),
    );
    expect(everything).not.toContain(session.token);
    expect(everything).not.toContain(api.token);
    expect(everything).not.toContain(api.token.slice(4));
    expect(everything).not.toContain('correct horse battery');
  });

  it('keeps users, sessions, tokens and the audit log across a restart', async () => {
    const path = journalFile();
    const first = openJournal(path);
    const before = new SqliteOperatorStore(first.database);
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
    journals.splice(journals.indexOf(first), 1);

    const after = new SqliteOperatorStore(openJournal(path).database);
    expect(await after.sessionUser(session.token)).toEqual(ada);
    expect(await after.tokenValid(api.token)).toMatchObject({ id: api.id, producers: ['billing'] });
    expect((await after.listAudit({ limit: 10 })).items.map((e) => e.action)).toEqual(['reload']);
  });

  it('records a token use at most once a minute', async () => {
    let now = 1_700_000_000_000;
    const store = new SqliteOperatorStore(openJournal().database, { now: () => now });
    const { token } = await store.createToken('producer', 'ada');
    expect((await store.tokenValid(token))?.lastUsedAt).toBe(now);
    const first = now;
    now += 30_000;
    expect((await store.tokenValid(token))?.lastUsedAt).toBe(first);
    now += 30_000;
    expect((await store.tokenValid(token))?.lastUsedAt).toBe(now);
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
