import type pg from 'pg';
import { NOW } from './engine-membership.ts';

/**
 * The running orchestrations an adoption takes, inside its transaction (engine-membership.ts):
 * - joining (`spread` false), `self` takes them all: `dead`'s, runs offered to `dead`, or, with `dead`
 *   null, the runs of no engine;
 * - running (`spread` true), `self` deals `dead`'s running orchestrations over the live engines, itself
 *   included, in turn by age: it keeps its own share and offers each other engine its share
 *   (`offered_to`), which that engine takes at its next claim (pg-claims.ts). Runs offered to `dead` that
 *   it had not taken yet are dealt again.
 *
 * Returns the runs `self` now drives and how many it offered to other engines.
 */
export async function takeRuns(
  client: pg.PoolClient,
  o: { self: string; dead: string | null; spread: boolean; leaseMs: number },
): Promise<{ runs: string[]; offered: number }> {
  if (!o.spread || o.dead === null) {
    const { rows } = await client.query<{ id: string }>(
      `UPDATE orchestrations SET owner = $1, offered_to = NULL
       WHERE status = 'running' AND ${
         o.dead === null
           ? 'owner IS NULL AND offered_to IS NULL'
           : '(owner = $2 OR (owner IS NULL AND offered_to = $2))'
       }
       RETURNING id`,
      o.dead === null ? [o.self] : [o.self, o.dead],
    );
    return { runs: rows.map((r) => r.id), offered: 0 };
  }
  const live = await client.query<{ id: string }>(
    `SELECT id FROM engines
     WHERE adopted_by IS NULL AND stopped_at IS NULL AND id <> $1 AND heartbeat_at > ${NOW} - $2
     ORDER BY id`,
    [o.dead, o.leaseMs],
  );
  const engines = live.rows.map((r) => r.id);
  if (!engines.includes(o.self)) engines.push(o.self);
  const { rows } = await client.query<{ id: string; owner: string | null }>(
    `UPDATE orchestrations r
     SET owner = CASE WHEN pick.engine = $3::uuid THEN $3::uuid END,
         offered_to = CASE WHEN pick.engine = $3::uuid THEN NULL ELSE pick.engine END
     FROM (
       SELECT id, ($2::uuid[])[1 + ((row_number() OVER (ORDER BY created_at, id) - 1) % cardinality($2::uuid[]))] AS engine
       FROM orchestrations
       WHERE status = 'running' AND (owner = $1 OR (owner IS NULL AND offered_to = $1))
     ) pick
     WHERE r.id = pick.id
     RETURNING r.id, r.owner`,
    [o.dead, engines, o.self],
  );
  return {
    runs: rows.filter((r) => r.owner === o.self).map((r) => r.id),
    offered: rows.filter((r) => r.owner === null).length,
  };
}
