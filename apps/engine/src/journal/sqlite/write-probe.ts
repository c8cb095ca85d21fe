import type Database from 'better-sqlite3';

/** About a large message's worth of pages: a probe that fits is a sign that real writes fit too. */
const PROBE_BYTES = 64 * 1024;
const PROBE_ID = 'journal-write-probe';

/**
 * A write that leaves nothing behind: one row of PROBE_BYTES inserted and deleted in the caller's
 * transaction. The pages it touches are still allocated and written, so it fails as real writes do
 * on a full disk (SQLITE_FULL), a read-only file or an I/O error, and succeeds once they would work.
 */
export function writeProbe(sqlite: Database.Database): () => void {
  const insert = sqlite.prepare(
    "INSERT INTO messages (id, kind, state, payload, created_at, updated_at) VALUES (?, 'probe', 'FAILED', ?, 0, 0)",
  );
  const remove = sqlite.prepare('DELETE FROM messages WHERE id = ?');
  const filler = 'p'.repeat(PROBE_BYTES);
  return () => {
    insert.run(PROBE_ID, filler);
    remove.run(PROBE_ID);
  };
}
