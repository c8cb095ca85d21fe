import { describe, expect, it } from 'vitest';
import { delivery, failure } from '../contract/fixtures.ts';
import { DAY_MS, partitionName } from './pg-partitions.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

const DAY = 20_000; // 2024-10-04
const NOON = DAY * DAY_MS + DAY_MS / 2;

/** A journal whose clock the test moves. */
async function journalAt(start: number) {
  const clock = { now: start };
  const j = await PostgresJournal.open(freshPostgres(), { now: () => clock.now });
  const pool = j.database.pool;
  const tables = async (): Promise<string[]> =>
    (
      await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent IN ('messages'::regclass, 'transitions'::regclass) ORDER BY 1`,
      )
    ).rows.map((r) => r.name);
  const whereIs = async (id: string): Promise<{ entry: string; log: string[] }> => {
    const entry = await pool.query<{ t: string }>(
      'SELECT tableoid::regclass::text AS t FROM messages WHERE id = $1',
      [id],
    );
    const log = await pool.query<{ t: string }>(
      'SELECT tableoid::regclass::text AS t FROM transitions WHERE message_id = $1 ORDER BY seq',
      [id],
    );
    return { entry: entry.rows[0]?.t ?? 'gone', log: log.rows.map((r) => r.t) };
  };
  return { j, clock, pool, tables, whereIs };
}

describe('PostgreSQL journal: a partition per day, retention by dropping days', () => {
  it('creates today’s partitions and two days ahead, and writes each row to its day or to the kept partition', async () => {
    const { j, tables, whereIs, pool } = await journalAt(NOON);
    const days = [DAY, DAY + 1, DAY + 2];
    expect(await tables()).toEqual(
      [
        'messages_kept',
        ...days.map((d) => partitionName('messages', d)),
        'transitions_kept',
        ...days.map((d) => partitionName('transitions', d)),
      ].sort(),
    );
    expect(partitionName('messages', DAY)).toBe('messages_p20241004');
    // Each day's partitions get the hot table's autovacuum settings and indexes named after the table's.
    const { rows } = await pool.query<{ reloptions: string[] }>(
      `SELECT reloptions FROM pg_class WHERE oid = 'messages_p20241004'::regclass`,
    );
    expect(rows[0]!.reloptions).toContain('autovacuum_vacuum_scale_factor=0.01');
    const indexes = await pool.query<{ n: string }>(
      `SELECT indexname AS n FROM pg_indexes WHERE tablename = 'messages_p20241004' ORDER BY 1`,
    );
    expect(indexes.rows.map((r) => r.n)).toContain('messages_p20241004_unowned');

    const today = delivery({ createdAt: NOON });
    const tomorrow = delivery({ createdAt: NOON + DAY_MS });
    const before = delivery({ createdAt: NOON - 3 * DAY_MS });
    await j.hooks.onIntent?.([today, tomorrow, before]);
    await j.hooks.onAcknowledged?.(today, []);
    expect(await whereIs(today.id)).toEqual({
      entry: 'messages_p20241004',
      log: ['transitions_p20241004', 'transitions_p20241004'],
    });
    expect((await whereIs(tomorrow.id)).entry).toBe('messages_p20241005');
    // A day without partitions (here, before the journal was first opened) goes to the kept partition.
    expect((await whereIs(before.id)).entry).toBe('messages_kept');
    expect(await j.getMessage(today.id)).toMatchObject({ state: 'ACKED', transitions: [{}, {}] });
    await j.close();
  });

  it('drops a day once it is older than the cutoff, keeping its dead letters and unfinished entries with their history', async () => {
    const { j, clock, tables, whereIs } = await journalAt(NOON);
    const acked = [1, 2, 3].map(() => delivery({ createdAt: NOON }));
    const [failed, pending, late] = [1, 2, 3].map(() => delivery({ createdAt: NOON }));
    await j.hooks.onIntent?.([...acked, failed!, pending!, late!]);
    for (const d of acked) await j.hooks.onAcknowledged?.(d, []);
    await j.hooks.onFailed?.(failed!, failure, { outputs: [] });
    // A week later: the day is old; `late` is ACKED only now, inside the retention window.
    clock.now = NOON + 7 * DAY_MS;
    // As each round of retention does (hourly), days are created ahead; the days between too.
    await j.partitions.ensure();
    await j.hooks.onAcknowledged?.(late!, []);
    expect((await whereIs(late!.id)).log).toEqual(['transitions_p20241004', 'transitions_p20241011']);
    const before = (await j.stats()).counts;
    expect(before).toMatchObject({ ACKED: 4, FAILED: 1, PENDING: 1 });

    // Retention of 3 days: the cutoff is noon of DAY + 4, so DAY to DAY + 3 are wholly before it.
    const cutoff = clock.now - 3 * DAY_MS;
    expect(await j.prune(cutoff)).toBe(3);
    const left = await tables();
    expect(left).not.toContain('messages_p20241004');
    expect(left).not.toContain('transitions_p20241004');
    expect(left).not.toContain('messages_p20241007');
    // The cutoff's day stays until it is wholly before a cutoff in turn; the coming days were created.
    expect(left).toContain('messages_p20241008');
    expect(left).toContain(partitionName('messages', DAY + 9));
    for (const d of acked) expect(await j.getMessage(d.id)).toBeUndefined();
    for (const d of [failed!, pending!]) {
      expect(await whereIs(d.id)).toMatchObject({ entry: 'messages_kept' });
      expect((await whereIs(d.id)).log.every((t) => t === 'transitions_kept')).toBe(true);
    }
    expect(await j.getMessage(failed!.id)).toMatchObject({ state: 'FAILED', transitions: [{}, {}] });
    expect(await j.getMessage(pending!.id)).toMatchObject({ state: 'PENDING', transitions: [{}] });
    // ACKED after the cutoff: kept, with both its transitions.
    expect(await whereIs(late!.id)).toEqual({
      entry: 'messages_kept',
      log: ['transitions_kept', 'transitions_p20241011'],
    });
    expect((await j.stats()).counts).toEqual({ ...before, ACKED: 1 });
    // The acked entries' threads went with them; the others' stay.
    const threads = await j.listThreads({ limit: 50 });
    expect(threads.items.map((t) => t.id).sort()).toEqual(
      [failed!, pending!, late!].map((d) => d.threadId).sort(),
    );

    // Nothing more to drop; what was kept is pruned row by row once it is old too.
    clock.now += 10 * DAY_MS;
    expect(await j.prune(clock.now - 3 * DAY_MS)).toBe(1);
    expect(await j.getMessage(late!.id)).toBeUndefined();
    expect(await j.getMessage(failed!.id)).toMatchObject({ state: 'FAILED' });
    await j.close();
  });

  it('gives up a drop that cannot have its lock soon, without stalling the pump, and drops it next time', async () => {
    const { j, clock, tables, pool } = await journalAt(NOON);
    const d = delivery({ createdAt: NOON });
    await j.hooks.onIntent?.([d]);
    await j.hooks.onAcknowledged?.(d, []);
    clock.now = NOON + 7 * DAY_MS;
    // A long reader of the table holds its lock (a console query, a backup).
    const reader = await pool.connect();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM messages');
    const started = Date.now();
    expect(await j.prune(clock.now - 3 * DAY_MS)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await tables()).toContain('messages_p20241004');
    // The pump writes meanwhile.
    const next = delivery({ createdAt: clock.now });
    await j.hooks.onIntent?.([next]);
    expect(await j.getMessage(d.id)).toMatchObject({ state: 'ACKED' });
    await reader.query('COMMIT');
    reader.release();
    expect(await j.prune(clock.now - 3 * DAY_MS)).toBe(1);
    expect(await tables()).not.toContain('messages_p20241004');
    expect((await j.stats()).counts).toMatchObject({ ACKED: 0, PENDING: 1 });
    await j.close();
  });

  it('writes a state change again when retention moved its entry to the kept partition meanwhile', async () => {
    const { j, pool, whereIs } = await journalAt(NOON);
    const d = delivery({ createdAt: NOON });
    await j.hooks.onIntent?.([d]);
    // Retention moving the entry, its transaction not yet committed.
    const retention = await pool.connect();
    await retention.query('BEGIN');
    await retention.query('UPDATE messages SET part = 0 WHERE id = $1', [d.id]);
    const acked = j.hooks.onAcknowledged?.(d, []);
    await new Promise((r) => setTimeout(r, 300));
    await retention.query('COMMIT');
    retention.release();
    await acked;
    expect(await j.getMessage(d.id)).toMatchObject({ state: 'ACKED' });
    expect((await whereIs(d.id)).entry).toBe('messages_kept');
    await j.close();
  });

  it('lets one engine at a time drop days: two engines retiring at once drop each day once', async () => {
    const settings = freshPostgres();
    const clock = { now: NOON };
    const opts = { now: () => clock.now };
    const [a, b] = await Promise.all([
      PostgresJournal.open(settings, opts),
      PostgresJournal.open(settings, opts),
    ]);
    const ds = Array.from({ length: 40 }, () => delivery({ createdAt: NOON }));
    await a.hooks.onIntent?.(ds);
    for (const d of ds) await a.hooks.onAcknowledged?.(d, []);
    clock.now = NOON + 7 * DAY_MS;
    const cutoff = clock.now - 3 * DAY_MS;
    const pruned = await Promise.all([a.prune(cutoff), b.prune(cutoff)]);
    // Whichever held the lock dropped the day; the other skipped the round, or found nothing left.
    expect(pruned[0] + pruned[1]).toBe(40);
    expect(await b.prune(cutoff)).toBe(0);
    expect((await a.stats()).counts.ACKED).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });
});
