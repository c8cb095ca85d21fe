import pg from 'pg';
import { JournalError } from '../journal-error.ts';
import type { OpenPostgres } from './open-postgres.ts';

/** The advisory lock's first key: "organism engine"; the second is the schema's hash. */
const ENGINE_KEY = 1_868_784_501;

/**
 * One engine per PostgreSQL journal schema, for now: a session advisory lock held on a connection of
 * its own for the engine's life, released by the server when that connection ends however the engine
 * ends (SIGKILL included). Several engines sharing one database, each claiming its work, come with the
 * scale-out work (docs/scale-out.md); until then a second engine would re-run the first one's work at
 * its start, so it is refused. The CLI's user and token commands do not take it.
 */
export class EngineClaim {
  private constructor(private readonly client: pg.Client) {}

  static async take(open: OpenPostgres, url: string): Promise<EngineClaim> {
    const client = new pg.Client({ connectionString: url, application_name: 'organism engine' });
    // The server going away is the journal's outage, reported by its writes; this must not crash.
    client.on('error', () => {});
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
      [ENGINE_KEY, open.schema],
    );
    if (rows[0]?.ok) return new EngineClaim(client);
    const holder = await client.query<{ addr: string | null; since: Date | null }>(
      `SELECT a.client_addr::text AS addr, a.backend_start AS since FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = hashtext($2)::oid AND l.granted`,
      [ENGINE_KEY, open.schema],
    );
    await client.end();
    const h = holder.rows[0];
    const who = h
      ? ` (connected from ${h.addr ?? 'a local socket'} since ${h.since?.toISOString() ?? '?'})`
      : '';
    throw new JournalError(
      'JOURNAL_UNAVAILABLE',
      `journal database ${open.where} schema ${open.schema} is in use by another engine${who}: ` +
        'stop that engine first, or give this one its own journal.schema',
    );
  }

  release(): Promise<void> {
    return this.client.end();
  }
}
