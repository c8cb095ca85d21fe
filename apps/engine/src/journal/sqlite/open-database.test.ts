import { setImmediate as nextTurn } from 'node:timers/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOperatorFile, openOperatorStore } from '../index.ts';
import { SqliteJournal } from './sqlite-journal.ts';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'journal-open-')), 'journal.sqlite');

describe('opening the journal', () => {
  it('says a corrupt file is corrupt', () => {
    const path = fresh();
    writeFileSync(path, 'this is not a database, it is a shopping list: eggs, milk, bread, '.repeat(100));
    expect(() => new SqliteJournal({ path, durability: 'fast' })).toThrow(
      /journal .*journal.sqlite is corrupt or not a SQLite database/,
    );
  });

  it('refuses a second engine on the same file while the first holds it', async () => {
    const path = fresh();
    const first = new SqliteJournal({ path, durability: 'fast' });
    expect(() => new SqliteJournal({ path, durability: 'fast' })).toThrow(
      /is in use by another engine \(process \d+, holding .*journal.sqlite.lock\)/,
    );
    await first.close();
    const again = new SqliteJournal({ path, durability: 'fast' });
    await again.close();
  });

  it('lets an operator connection write users and tokens beside the engine, seen by it from its next turn', async () => {
    const path = fresh();
    const engine = new SqliteJournal({ path, durability: 'strict' });
    const engineStore = openOperatorStore(engine);
    const cli = await openOperatorFile({ path, durability: 'strict' });
    const { token, id } = await cli.store.createToken('billing', 'cli');
    expect((await engineStore.tokenValid(token))?.id).toBe(id);
    // The engine keeps writing (group commit) while the other connection writes too.
    engine.hooks.onRejected?.({
      raw: '<x',
      error: { code: 'MALFORMED_XML', message: 'bad', problems: [{ message: 'bad' }] },
    });
    await cli.store.revokeToken(id);
    await engine.flush();
    // The engine reads the tokens' epoch once a turn of its event loop.
    await nextTurn();
    expect(await engineStore.tokenValid(token)).toBeUndefined();
    expect((await engine.stats()).counts.FAILED).toBe(1);
    await cli.close();
    await engine.close();
  });

  it('says where it cannot write', () => {
    // Root ignores file modes, so these use places no one can write a database to.
    const dir = mkdtempSync(join(tmpdir(), 'journal-open-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(
      () => new SqliteJournal({ path: join(dir, 'a-file', 'journal.sqlite'), durability: 'fast' }),
    ).toThrow(/cannot create its folder/);
    expect(() => new SqliteJournal({ path: dir, durability: 'fast' })).toThrow(
      /cannot be opened for writing/,
    );
  });

  it('keeps what was committed across a close and reopen, with migrations applied once', async () => {
    const path = fresh();
    const j = new SqliteJournal({ path, durability: 'strict' });
    j.hooks.onRejected?.({
      raw: '<x',
      error: { code: 'MALFORMED_XML', message: 'bad', problems: [{ message: 'bad' }] },
    });
    await j.close();
    const k = new SqliteJournal({ path, durability: 'strict' });
    expect((await k.stats()).counts.FAILED).toBe(1);
    await k.close();
  });
});
