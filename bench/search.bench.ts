/**
 * Payload search on a big journal (`messages.search`): text through the FTS5 index and XPath over the
 * candidates it and the filters narrow to, on the journal of console.bench.ts (1,000,000 messages, seeded
 * into bench/.cache on first use: lib/console-seed.ts), each case run BENCH_SEARCH_RUNS times (default 50)
 * with varied words, listeners and hour-long windows: p50, p95 and max beside the 300 ms aim. Then what the
 * index costs the hot path: deliveries per CPU second through the journal's hooks with the index and with
 * its insert left out, rounds alternating, in the same run.
 * Run: pnpm -C bench payload-search. BENCH_CONSOLE_MESSAGES sets the
 * journal's size, BENCH_SEARCH_RUNS the runs per case, BENCH_SEARCH_INGEST the deliveries per ingest round
 * (0: no ingest rounds); an argument keeps the cases whose name contains it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MessageSearchInput } from '@organism/shared';
import { searchMessages } from '../apps/engine/src/lifecycle/message-search.ts';
import { SqliteJournal } from '../apps/engine/src/journal/sqlite/sqlite-journal.ts';
import { XPathWorkers } from '../apps/engine/src/xml/xpath-workers.ts';
import { payloadText } from '../apps/engine/src/journal/search/payload-text.ts';
import type { Delivery } from '../apps/engine/src/pump/delivery.ts';
import { LISTENERS, prng, seededJournal } from './lib/console-seed.ts';
import { fmt, median, recordXml } from './lib/figures.ts';

const N = Number(process.env.BENCH_CONSOLE_MESSAGES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 50);
const AIM_MS = 300;
const HOUR = 3_600_000;
const only = process.argv[2];

const { path, info } = seededJournal(N, (l) => console.log(l));
const journal = new SqliteJournal({ path, durability: 'fast' });
const rand = prng(7);
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
const window = (): { since: number; until: number } => {
  const since = info.now - 24 * HOUR + Math.floor(rand() * 23 * HOUR);
  return { since, until: since + HOUR };
};
const customer = () => `c-${Math.floor(rand() * 9973)}`;
const sku = () => `sku-${Math.floor(rand() * 89)}`;

/** Each case: the input of one run (`i`), and how many earlier pages to read first (untimed). */
const cases: { name: string; input: (i: number) => MessageSearchInput; page?: number }[] = [
  { name: 'text, rare word (~100 hits)', input: () => ({ text: customer() }) },
  { name: 'text, in every payload', input: () => ({ text: 'seeded benchmark' }) },
  { name: 'text, phrase', input: () => ({ text: `"${sku()} 2"` }) },
  { name: 'text, prefix', input: () => ({ text: `c-${Math.floor(rand() * 99)}*` }) },
  { name: 'text, no match', input: () => ({ text: 'zebra' }) },
  { name: 'text + listener', input: (i) => ({ text: sku(), to: pick(LISTENERS, i) }) },
  { name: 'text + listener + hour', input: (i) => ({ text: sku(), to: pick(LISTENERS, i), ...window() }) },
  { name: 'text + state FAILED', input: () => ({ text: 'seeded', state: 'FAILED' }) },
  { name: 'text, page 5', input: () => ({ text: 'seeded' }), page: 5 },
  {
    name: 'xpath + listener + hour',
    input: (i) => ({ xpath: '/request[items/item/qty > 6]', to: pick(LISTENERS, i), ...window() }),
  },
  {
    name: 'xpath + listener (2,000 scanned)',
    input: (i) => ({ xpath: `/request[customer = '${customer()}']`, to: pick(LISTENERS, i) }),
  },
  { name: 'xpath + text', input: () => ({ text: sku(), xpath: '//item[qty = 3]' }) },
  { name: 'xpath alone (2,000 scanned)', input: () => ({ xpath: '/request[id mod 1000 = 7]' }) },
];

const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
console.log(
  `\npayload search — ${fmt(info.messages)} messages, ${RUNS} runs per case, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}\n`,
);
console.log(
  `${'case'.padEnd(34)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'hits'.padStart(5)} ${'scanned'.padStart(8)}  ≤ ${AIM_MS} ms`,
);
// The engine's search evaluates an XPath in a worker thread, as here (its first start not counted).
const xpathWorkers = new XPathWorkers();
await xpathWorkers.lend((w) => w.evaluate('/x', ['<x/>']));
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const times: number[] = [];
  let hits = 0;
  let scanned = 0;
  for (let i = 0; i < RUNS; i++) {
    const input = c.input(i);
    let cursor: string | undefined;
    for (let p = 1; p < (c.page ?? 1); p++)
      cursor = (await searchMessages(journal, xpathWorkers, { ...input, cursor })).nextCursor ?? undefined;
    const t0 = performance.now();
    const res = await searchMessages(journal, xpathWorkers, { ...input, cursor });
    times.push(performance.now() - t0);
    hits += res.items.length;
    scanned += res.scanned;
  }
  times.sort((a, b) => a - b);
  const p95 = q(times, 0.95);
  console.log(
    `${c.name.padEnd(34)} ${q(times, 0.5).toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)} ${(times.at(-1) ?? NaN).toFixed(1).padStart(7)} ${fmt(hits / RUNS).padStart(5)} ${fmt(scanned / RUNS).padStart(8)}  ${p95 <= AIM_MS ? 'pass' : 'FAIL'}`,
  );
}
/** The index's pages on disk (dbstat, when SQLite was built with it). */
function indexBytes(): number | undefined {
  try {
    const r = journal.database.sqlite
      .prepare(`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'messages_text%'`)
      .get() as { bytes: number | null };
    return r.bytes ?? undefined;
  } catch {
    return undefined;
  }
}
const bytes = indexBytes();
await xpathWorkers.close();
await journal.close();
if (bytes) console.log(`\ntext index on disk: ${fmt(bytes / 1e6)} MB`);

// The hot path: deliveries per CPU second through the hooks, with the index and without its insert.
const PER_ROUND = Number(process.env.BENCH_SEARCH_INGEST ?? 50_000);
const BATCH = 340;
async function ingest(indexed: boolean): Promise<number> {
  const file = join(mkdtempSync(join(tmpdir(), 'organism-search-')), 'journal.sqlite');
  // On the engine's thread only: the writer thread's statements could not leave the index out.
  const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
  if (!indexed) {
    // The same journal with the index left out (no entry ever waits for it, so none is indexed): what
    // the hot path cost before it. With it, the entries are indexed in batches (text-index.ts).
    const st = (j as unknown as { st: { text: { written: () => void } } }).st;
    st.text.written = () => {};
  }
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i += BATCH) {
    const batch: Delivery[] = Array.from({ length: Math.min(BATCH, PER_ROUND - i) }, (_, k) => ({
      id: randomUUID() as Delivery['id'],
      threadId: randomUUID() as Delivery['threadId'],
      from: 'bench',
      to: `listener-${(i + k) % 20}`,
      chain: ['bench'],
      root: '{urn:organism:bench}record',
      payloadXml: recordXml(i + k),
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
  rmSync(dirname(file), { recursive: true, force: true });
  return (PER_ROUND / (cpu.user + cpu.system)) * 1e6;
}
if (PER_ROUND === 0) process.exit(0);
await ingest(true); // warm-up
const withIndex: number[] = [];
const without: number[] = [];
for (let r = 0; r < 5; r++) {
  without.push(await ingest(false));
  withIndex.push(await ingest(true));
}
const a = median(without);
const b = median(withIndex);
console.log(
  `\nhot path, ${fmt(PER_ROUND)} one-hop deliveries of ~1 KB per round (intent, dispatched, acknowledged), medians of 5:`,
);
console.log(`${'deliveries per CPU second, without the index'.padEnd(50)} ${fmt(a).padStart(8)}`);
console.log(`${'deliveries per CPU second, with the index'.padEnd(50)} ${fmt(b).padStart(8)}`);
console.log(
  `${'cost of the index'.padEnd(50)} ${(1e6 / b - 1e6 / a).toFixed(1).padStart(8)} µs per delivery (${(((a - b) / a) * 100).toFixed(0)}% of the journal's write rate)`,
);

// The index's own work alone, the same rows: payloadText and the FTS5 insert, in transactions of BATCH.
async function indexAlone(): Promise<number> {
  const file = join(mkdtempSync(join(tmpdir(), 'organism-search-')), 'journal.sqlite');
  const j = new SqliteJournal({ path: file, durability: 'fast' });
  const sqlite = j.database.sqlite;
  const insert = sqlite.prepare(
    'INSERT INTO messages_text (rowid, text, to_name, from_name) VALUES (?, ?, ?, ?)',
  );
  const payloads = Array.from({ length: PER_ROUND }, (_, i) => recordXml(i));
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i += BATCH) {
    sqlite.transaction(() => {
      for (let k = i; k < Math.min(PER_ROUND, i + BATCH); k++)
        insert.run(k + 1, payloadText(payloads[k] ?? ''), `listener-${k % 20}`, 'bench');
    })();
  }
  const cpu = process.cpuUsage(cpu0);
  await j.close();
  rmSync(dirname(file), { recursive: true, force: true });
  return (cpu.user + cpu.system) / PER_ROUND;
}
await indexAlone();
const alone: number[] = [];
for (let r = 0; r < 5; r++) alone.push(await indexAlone());
console.log(
  `${'the index alone (payloadText + FTS5 insert)'.padEnd(50)} ${median(alone).toFixed(1).padStart(8)} µs per delivery`,
);
