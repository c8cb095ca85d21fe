/**
 * What the console's indexes and maintained counts cost the hot path: the journal's own write
 * statements (insert PENDING, DISPATCHED, ACKED: what one delivery writes) in group-commit sized
 * transactions, on a journal with every migration against one with the migrations before the console's
 * (message_filter_indexes, maintained_thread_status_and_counts). Alternates the two, three rounds each.
 * Run: cd bench && pnpm journal-writes   (BENCH_MESSAGES sets the count per round, default 200,000).
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../apps/engine/src/journal/sqlite/open-database.ts';
import { Statements } from '../apps/engine/src/journal/sqlite/statements.ts';
import type { Delivery } from '../apps/engine/src/pump/delivery.ts';
import { fmt, recordXml } from './lib/figures.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 200_000);
/** About what one group commit holds: 1,024 state changes, three per delivery. */
const BATCH = 340;
const CONSOLE_MIGRATIONS = ['message_filter_indexes', 'maintained_thread_status_and_counts'];
const MIGRATIONS = fileURLToPath(new URL('../apps/engine/drizzle', import.meta.url));

/** A copy of the migrations folder without the console's migrations (and any after them). */
function migrationsBefore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'organism-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const file = join(dir, 'meta/_journal.json');
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { entries: { tag: string }[] };
  const at = meta.entries.findIndex((e) => CONSOLE_MIGRATIONS.some((t) => e.tag.endsWith(t)));
  if (at < 0) throw new Error('the console migrations are not in apps/engine/drizzle');
  for (const e of meta.entries.slice(at)) rmSync(join(dir, `${e.tag}.sql`));
  meta.entries = meta.entries.slice(0, at);
  writeFileSync(file, JSON.stringify(meta));
  return dir;
}

async function round(migrationsFolder: string | undefined): Promise<number> {
  const path = join(mkdtempSync(join(tmpdir(), 'organism-writes-')), 'journal.sqlite');
  const open = openDatabase(path, 'fast', migrationsFolder ? { migrationsFolder } : {});
  const st = new Statements(open.sqlite);
  const payload = recordXml(0);
  const listeners = Array.from({ length: 20 }, (_, i) => `listener-${i}`);
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const batch: Delivery[] = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => ({
      id: randomUUID() as Delivery['id'],
      threadId: randomUUID() as Delivery['threadId'],
      from: 'bench',
      to: listeners[(i + k) % listeners.length]!,
      chain: ['bench'],
      root: '{urn:organism:bench}record',
      payloadXml: payload,
      kind: 'ingress',
      attempt: 1,
      createdAt: Date.now(),
    }));
    // As the pump's hooks do, one transaction per turn: the intents, then starts, then outcomes.
    open.sqlite.transaction(() => {
      const now = Date.now();
      for (const d of batch) st.add(d, now);
      for (const d of batch) st.move(d.id, d.threadId, 'DISPATCHED', 1, now);
      for (const d of batch) st.move(d.id, d.threadId, 'ACKED', 1, now);
    })();
    // Let the event loop turn, as the engine's group commit does.
    if ((i / BATCH) % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const rate = (N / (performance.now() - t0)) * 1000;
  open.close();
  rmSync(path, { force: true });
  return rate;
}

const before = migrationsBefore();
console.log(
  `journal writes — ${fmt(N)} deliveries per round (insert, DISPATCHED, ACKED), ${BATCH} per transaction`,
);
const with_: number[] = [];
const without: number[] = [];
for (let r = 0; r < 3; r++) {
  without.push(await round(before));
  with_.push(await round(undefined));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
console.log(
  `${'without the console migrations'.padEnd(44)} ${fmt(median(without)).padStart(10)} deliveries/s  (${without.map(fmt).join(', ')})`,
);
console.log(
  `${'with them'.padEnd(44)} ${fmt(median(with_)).padStart(10)} deliveries/s  (${with_.map(fmt).join(', ')})`,
);
console.log(
  `the console's indexes and counts cost ${((1 - median(with_) / median(without)) * 100).toFixed(0)}% of the journal's write rate`,
);
