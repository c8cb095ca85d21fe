import { describe, expect, it } from 'vitest';
import { JournalError } from '../journal-error.ts';
import { openPostgres } from './open-postgres.ts';
import { freshPostgres } from './postgres-test.ts';

describe('openPostgres', () => {
  it('creates its schema and migrates it, and a second open finds it migrated', async () => {
    const settings = freshPostgres();
    const first = await openPostgres(settings);
    const { rows } = await first.pool.query<{ state: string; n: number }>(
      'SELECT state, n FROM journal_counts ORDER BY state',
    );
    expect(rows).toEqual([
      { state: 'ACKED', n: 0 },
      { state: 'DISPATCHED', n: 0 },
      { state: 'FAILED', n: 0 },
      { state: 'PENDING', n: 0 },
      { state: 'REFUSED', n: 0 },
    ]);
    await first.close();
    const again = await openPostgres(settings);
    const counts = await again.pool.query('SELECT count(*) AS n FROM journal_counts');
    expect(counts.rows[0]).toEqual({ n: 5 });
    await again.close();
  });

  it('tunes autovacuum for the hot tables', async () => {
    const settings = freshPostgres();
    const open = await openPostgres(settings);
    const { rows } = await open.pool.query<{ relname: string; reloptions: string[] }>(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname IN ('messages_kept', 'journal_counts') ORDER BY c.relname`,
      [settings.schema],
    );
    expect(rows.map((r) => r.relname)).toEqual(['journal_counts', 'messages_kept']);
    expect(rows[0]!.reloptions).toEqual([
      'fillfactor=50',
      'autovacuum_vacuum_scale_factor=0',
      'autovacuum_vacuum_threshold=200',
    ]);
    expect(rows[1]!.reloptions).toContain('autovacuum_vacuum_scale_factor=0.01');
    await open.close();
  });

  it('migrates once when several engines open the same schema at the same time', async () => {
    const settings = freshPostgres();
    const opened = await Promise.all([1, 2, 3].map(() => openPostgres(settings)));
    const { rows } = await opened[0]!.pool.query('SELECT count(*) AS n FROM journal_counts');
    expect(rows[0]).toEqual({ n: 5 });
    await Promise.all(opened.map((o) => o.close()));
  });

  it('says where and why when the server cannot be reached, without the password', async () => {
    const err = await openPostgres({
      url: 'postgres://organism:secret@127.0.0.1:1/organism',
      durability: 'strict',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalError);
    expect((err as JournalError).code).toBe('JOURNAL_UNAVAILABLE');
    expect((err as Error).message).toMatch(
      /postgres:\/\/organism:\*\*\*@127\.0\.0\.1:1\/organism cannot be used: .*ECONNREFUSED/,
    );
    expect((err as Error).message).not.toContain('secret');
  });

  it('refuses a schema name that is not a plain name', async () => {
    await expect(openPostgres({ ...freshPostgres(), schema: 'x; DROP TABLE users' })).rejects.toThrow(
      /not a plain lower-case name/,
    );
  });
});
