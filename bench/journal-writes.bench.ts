/**
 * The journal's write path alone: deliveries recorded through the SQLite journal's hooks as the pump
 * calls them (intent, dispatched, acknowledged), with group commit, in CPU time per delivery (user +
 * system: the machine is shared, and fast mode never waits on the disk between checkpoints). Each
 * delivery starts a thread of its own, the worst case for what the journal keeps per thread.
 * Compare two checkouts with it (what the console's indexes and counts cost the hot path).
 * Run: cd bench && pnpm journal-writes   (BENCH_MESSAGES sets the count per round, default 100,000).
 * BENCH_GROWTH=600000 also writes that many into one journal and prints the rate per 100,000 as it
 * fills: thread ids are random (UUIDv4), so every new thread lands somewhere in the index on them, and
 * writing slows as it outgrows SQLite's cache. Entry ids are the engine's (pump/message-id.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SqliteJournal } from '../apps/engine/src/journal/sqlite/sqlite-journal.ts';
import type { Delivery } from '../apps/engine/src/pump/delivery.ts';
import { newMessageId } from '../apps/engine/src/pump/message-id.ts';
import { fmt, median, recordXml } from './lib/figures.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 100_000);
/** About what one group commit holds: 1,024 state changes, three per delivery. */
const BATCH = 340;
const ROUNDS = 5;

const TRANCHE = 100_000;

/** Writes `n` deliveries into a new journal; `onTranche` hears the rate of each 100,000. */
async function round(n = N, onTranche?: (written: number, perCpuSecond: number) => void): Promise<number> {
  const path = join(mkdtempSync(join(tmpdir(), 'organism-writes-')), 'journal.sqlite');
  const j = new SqliteJournal({ path, durability: 'fast' });
  const payload = recordXml(0);
  const cpu0 = process.cpuUsage();
  let tranche = { cpu: process.cpuUsage(), from: 0 };
  for (let i = 0; i < n; i += BATCH) {
    if (onTranche && i - tranche.from >= TRANCHE) {
      const cpu = process.cpuUsage(tranche.cpu);
      onTranche(i, ((i - tranche.from) / (cpu.user + cpu.system)) * 1e6);
      tranche = { cpu: process.cpuUsage(), from: i };
    }
    const batch: Delivery[] = Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => ({
      id: newMessageId(),
      threadId: randomUUID() as Delivery['threadId'],
      from: 'bench',
      to: `listener-${(i + k) % 20}`,
      chain: ['bench'],
      root: '{urn:organism:bench}record',
      payloadXml: payload,
      kind: 'ingress',
      attempt: 1,
      createdAt: Date.now(),
    }));
    await j.hooks.onIntent?.(batch);
    for (const d of batch) void j.hooks.onDispatched?.(d);
    await Promise.all(batch.map(async (d) => j.hooks.onAcknowledged?.(d, [])));
  }
  const cpu = process.cpuUsage(cpu0);
  await j.close();
  rmSync(dirname(path), { recursive: true, force: true });
  return (n / (cpu.user + cpu.system)) * 1e6;
}

console.log(`journal writes — ${fmt(N)} one-hop deliveries per round (intent, dispatched, acknowledged)`);
await round(); // warm-up
const rates: number[] = [];
for (let r = 0; r < ROUNDS; r++) rates.push(await round());
console.log(
  `${'deliveries per CPU second, median'.padEnd(44)} ${fmt(median(rates)).padStart(10)}  (${rates.map(fmt).join(', ')})`,
);

const growth = Number(process.env.BENCH_GROWTH ?? 0);
if (growth > 0) {
  console.log(`one journal filled with ${fmt(growth)} deliveries, per ${fmt(TRANCHE)}:`);
  await round(growth, (written, rate) =>
    console.log(`${`deliveries per CPU second up to ${fmt(written)}`.padEnd(44)} ${fmt(rate).padStart(10)}`),
  );
}
