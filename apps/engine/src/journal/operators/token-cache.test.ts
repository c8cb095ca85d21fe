import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { hashToken } from './operator-store.ts';
import type { ApiToken } from './operator-store.ts';
import { SqliteOperatorStore } from './sqlite-operator-store.ts';
import { TokenCache } from './token-cache.ts';

const token = (id: string): ApiToken => ({
  id,
  name: id,
  producers: null,
  createdBy: 'root',
  createdAt: 0,
  revokedAt: null,
  lastUsedAt: null,
});

describe('TokenCache', () => {
  it('answers only at the epoch it was filled at', () => {
    const cache = new TokenCache();
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.set('a', token('a'));
    cache.set('b', null);
    expect(cache.get(1, 'a')).toMatchObject({ id: 'a' });
    expect(cache.get(1, 'b')).toBeNull();
    expect(cache.get(2, 'a')).toBeUndefined();
    expect(cache.get(2, 'b')).toBeUndefined();
  });

  it('keeps nothing without an epoch', () => {
    const cache = new TokenCache();
    cache.get(undefined, 'a');
    cache.set('a', token('a'));
    expect(cache.get(undefined, 'a')).toBeUndefined();
  });

  it('starts over when full, so random tokens cannot grow it', () => {
    const cache = new TokenCache(3);
    cache.get(0, 'x');
    for (const h of ['a', 'b', 'c']) cache.set(h, null);
    expect(cache.get(0, 'c')).toBeNull();
    cache.set('d', token('d'));
    expect(cache.get(0, 'a')).toBeUndefined();
    expect(cache.get(0, 'd')).toMatchObject({ id: 'd' });
  });
});

/** The engine's store and a second connection to the same file, as the CLI or a SQL shell opens it. */
const opened: OpenDatabase[] = [];
afterEach(() => {
  for (const open of opened.splice(0)) open.close();
});

function twoConnections(): { engine: SqliteOperatorStore; cli: SqliteOperatorStore; other: OpenDatabase } {
  const path = join(mkdtempSync(join(tmpdir(), 'token-cache-')), 'j.sqlite');
  const first = openDatabase(path, 'fast');
  const other = openDatabase(path, 'fast', { engineLock: false });
  opened.push(first, other);
  return { engine: new SqliteOperatorStore(first), cli: new SqliteOperatorStore(other), other };
}

describe('token checks on SQLite while another connection writes the tokens', () => {
  it('refuses a token revoked elsewhere from the next turn, though the check before kept it', async () => {
    const { engine, cli } = twoConnections();
    const { id, token: text } = await cli.createToken('billing', 'cli');
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    await cli.revokeToken(id);
    await nextTurn();
    expect(await engine.tokenValid(text)).toBeUndefined();
  });

  it('reads the epoch once a turn: a revocation elsewhere counts from the next', async () => {
    const { engine, cli } = twoConnections();
    const { id, token: text } = await cli.createToken('billing', 'cli');
    await nextTurn();
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    await cli.revokeToken(id);
    // The same turn: the epoch read by its first check stands, and with it the token kept.
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    await nextTurn();
    expect(await engine.tokenValid(text)).toBeUndefined();
  });

  it('counts its own revocations and new tokens within the turn', async () => {
    const { engine } = twoConnections();
    const { id, token: text } = await engine.createToken('billing', 'console');
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    await engine.revokeToken(id);
    expect(await engine.tokenValid(text)).toBeUndefined();
    const late = await engine.createToken('ledger', 'console');
    expect(await engine.tokenValid(late.token)).toMatchObject({ id: late.id });
  });

  it('accepts a token issued elsewhere at once, though it was refused just before', async () => {
    const { engine, other } = twoConnections();
    const text = 'org_not-issued-yet';
    expect(await engine.tokenValid(text)).toBeUndefined();
    // Issued with that very text by SQL: whatever writes the file counts, not only the stores.
    other.sqlite
      .prepare(
        "INSERT INTO api_tokens (id, name, hash, created_by, created_at) VALUES ('t2', 'late', ?, 'sql', 0)",
      )
      .run(hashToken(text));
    await nextTurn();
    expect(await engine.tokenValid(text)).toMatchObject({ id: 't2', name: 'late' });
  });

  it('sees producer names changed and a token deleted by SQL', async () => {
    const { engine, cli, other } = twoConnections();
    const { id, token: text } = await cli.createToken('billing', 'cli', ['billing']);
    expect((await engine.tokenValid(text))?.producers).toEqual(['billing']);
    other.sqlite.prepare(`UPDATE api_tokens SET producers = '["ledger"]' WHERE id = ?`).run(id);
    await nextTurn();
    expect((await engine.tokenValid(text))?.producers).toEqual(['ledger']);
    other.sqlite.prepare('DELETE FROM api_tokens WHERE id = ?').run(id);
    await nextTurn();
    expect(await engine.tokenValid(text)).toBeUndefined();
  });

  it('reads every token again once the epoch row is gone', async () => {
    const { engine, cli, other } = twoConnections();
    const { id, token: text } = await cli.createToken('billing', 'cli');
    other.sqlite.prepare('DELETE FROM tokens_epoch').run();
    expect(await engine.tokenValid(text)).toMatchObject({ id });
    other.sqlite.prepare('UPDATE api_tokens SET revoked_at = 1 WHERE id = ?').run(id);
    await nextTurn();
    expect(await engine.tokenValid(text)).toBeUndefined();
  });

  it('keeps its tokens when only a last use is written', async () => {
    let now = 1_000_000;
    const { engine, cli, other } = twoConnections();
    const epoch = other.sqlite.prepare('SELECT epoch FROM tokens_epoch').pluck();
    const { token: text } = await cli.createToken('billing', 'cli');
    const before = epoch.get();
    const clocked = new SqliteOperatorStore(opened[0]!, { now: () => now });
    expect((await clocked.tokenValid(text))?.lastUsedAt).toBe(now);
    now += 120_000;
    expect((await clocked.tokenValid(text))?.lastUsedAt).toBe(now);
    expect(epoch.get()).toBe(before);
    expect(await engine.tokenValid(text)).toBeDefined();
  });
});
