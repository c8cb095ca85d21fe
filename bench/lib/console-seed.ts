/**
 * Seeds a real SQLite journal (the engine's own file, with its migrations) for the console benchmark:
 * N messages across N/10 threads and 20 listeners over the last 24 hours, written through the journal's
 * own row statements (`Statements.insertRow` and `logOnly`, which keep the threads table and the counts
 * the console reads) in big transactions, with the secondary indexes dropped during the load and
 * rebuilt after it.
 *
 * The mix: mostly ACKED; replies and egress back to outside producers; ~4% of threads end in a dead
 * letter (a few error codes, skewed towards two listeners) answered by a SystemError; some deliveries
 * retried once before they succeeded; the threads of the last five minutes still open (PENDING or
 * DISPATCHED); ~1% refused input (kind `rejected`, some without a route). Every entry has the
 * transitions its journey would have logged.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../apps/engine/src/journal/sqlite/open-database.ts';
import { Statements } from '../../apps/engine/src/journal/sqlite/statements.ts';
import type { EntryRow } from '../../apps/engine/src/journal/entry-record.ts';

/** Bump when the generated data changes: the cached file is then seeded again. */
export const SEED_VERSION = 1;

export const LISTENERS = [
  'gateway',
  'orders',
  'inventory',
  'pricing',
  'billing',
  'payments',
  'shipping',
  'notify',
  'fraud',
  'ledger',
  'catalog',
  'search',
  'reviews',
  'returns',
  'tax',
  'loyalty',
  'audit-log',
  'reports',
  'archive',
  'support',
] as const;

/** Outside producers and their share of the threads: one busy generator, a few rare senders. */
export const PRODUCERS: readonly (readonly [string, number])[] = [
  ['traffic', 0.7],
  ['shop-web', 0.2],
  ['partner-acme', 0.08],
  ['console:admin', 0.015],
  ['batch-import', 0.005],
];

/** Handler failure codes of dead letters, with weights. */
export const FAILURE_CODES: readonly (readonly [string, number])[] = [
  ['HANDLER_ERROR', 0.5],
  ['HANDLER_TIMEOUT', 0.25],
  ['PEER_VIOLATION', 0.08],
  ['INVALID_REPLY', 0.07],
  ['REDELIVERY_EXHAUSTED', 0.05],
  ['HOP_LIMIT_EXCEEDED', 0.03],
  ['KILLED', 0.02],
];

/** Codes of refused input, with weights. */
export const REJECTION_CODES: readonly (readonly [string, number])[] = [
  ['SCHEMA_VIOLATION', 0.5],
  ['UNKNOWN_ROUTE', 0.2],
  ['MALFORMED_XML', 0.15],
  ['ENVELOPE_INVALID', 0.1],
  ['SENDER_RESERVED', 0.05],
];

export const SYSTEM_ERROR_ROOT = '{https://xml-pipeline.org/ns/system/v1}SystemError';
const DAY = 86_400_000;
/** Threads that began within this much of the seed's end are still running. */
const OPEN_WINDOW = 5 * 60_000;

export interface SeedInfo {
  version: number;
  messages: number;
  threads: number;
  rejected: number;
  transitions: number;
  /** The seed's "now": every entry was created within the 24 h before it. */
  now: number;
  seedMs: number;
  indexMs: number;
  bytes: number;
}

/** A small fast PRNG (mulberry32), so the same seed gives the same shape of data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(rand: () => number, table: readonly (readonly [string, number])[]): string {
  let x = rand();
  for (const [name, w] of table) {
    x -= w;
    if (x < 0) return name;
  }
  return table[0]![0];
}

/** The migrations the journal file has, so a change to them seeds a fresh file. */
function migrationsKey(): string {
  const journal = fileURLToPath(new URL('../../apps/engine/drizzle/meta/_journal.json', import.meta.url));
  return createHash('sha256').update(readFileSync(journal)).digest('hex').slice(0, 10);
}

/** The cached journal for `messages` messages: seeded on first use, reused (read-only use) after. */
export function seededJournal(
  messages: number,
  log: (line: string) => void,
): { path: string; info: SeedInfo } {
  const cache = fileURLToPath(new URL('../.cache/', import.meta.url));
  const name = `console-v${SEED_VERSION}-${messages}-${migrationsKey()}`;
  const path = join(cache, `${name}.sqlite`);
  const meta = join(cache, `${name}.json`);
  if (existsSync(path) && existsSync(meta)) {
    const info = JSON.parse(readFileSync(meta, 'utf8')) as SeedInfo;
    log(`journal: cached ${path} (seeded in ${(info.seedMs / 1000).toFixed(1)} s)`);
    return { path, info };
  }
  mkdirSync(cache, { recursive: true });
  // A journal of this size seeded for an older seed or schema will not be used again: 1.4 GB each.
  for (const f of readdirSync(cache))
    if (f.startsWith('console-v') && f.includes(`-${messages}-`) && !f.startsWith(`${name}.`))
      rmSync(join(cache, f), { force: true });
  const tmp = join(cache, `${name}.seeding.sqlite`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  log(`journal: seeding ${messages.toLocaleString('en-US')} messages into ${path} …`);
  const info = seed(tmp, messages, log);
  renameSync(tmp, path);
  writeFileSync(meta, JSON.stringify(info, null, 2));
  return { path, info };
}

interface Hop {
  from: string;
  to: string;
  chain: string[];
  kind: 'ingress' | 'forward' | 'reply' | 'error';
  egress: boolean;
  root: string;
}

function seed(path: string, target: number, log: (line: string) => void): SeedInfo {
  const t0 = performance.now();
  const rand = prng(8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const open = openDatabase(path, 'fast', { engineLock: false });
  const sqlite = open.sqlite;
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1000000');
  // Load without the secondary indexes, then build each once: far faster than keeping them on the way.
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name IN ('messages', 'transitions', 'threads')`,
    )
    .all() as { name: string; sql: string }[];
  for (const ix of indexes) sqlite.exec(`DROP INDEX "${ix.name}"`);
  const st = new Statements(sqlite);

  const now = Date.now();
  const threadCount = Math.round(target / 10);
  const rejectedTarget = Math.round(target * 0.01);
  const payload = (root: string, i: number): string => {
    const ns = root.slice(1, root.indexOf('}'));
    const local = root.slice(root.indexOf('}') + 1);
    return (
      `<${local} xmlns="${ns}"><id>${i}</id><customer>c-${i % 9973}</customer>` +
      `<items><item><sku>sku-${i % 101}</sku><qty>${(i % 7) + 1}</qty></item>` +
      `<item><sku>sku-${i % 89}</sku><qty>${(i % 3) + 1}</qty></item></items>` +
      `<note>seeded message ${i} for the console benchmark</note></${local}>`
    );
  };
  const rootOf = (listener: string, reply: boolean): string =>
    `{urn:organism:demo:${listener}}${reply ? 'result' : 'request'}`;

  let written = 0;
  let rejected = 0;
  let transitions = 0;
  let msgNo = 0;
  const logT = (row: EntryRow, state: string, attempt: number, at: number, error: string | null): void => {
    st.logOnly(
      row.id,
      row.threadId,
      state,
      attempt,
      at,
      error ? { code: error, detail: `${error}: seeded` } : null,
    );
    transitions++;
  };

  /** Writes one entry in its final state with the transitions its journey logged. */
  const write = (
    row: EntryRow,
    outcome: 'ACKED' | 'FAILED' | 'PENDING' | 'DISPATCHED' | 'RETRIED',
    code: string | null,
  ): void => {
    const t = row.createdAt;
    if (row.egress) {
      row.state = 'ACKED';
      logT(row, 'ACKED', 1, t, null);
      st.insertRow(row);
      written++;
      return;
    }
    logT(row, 'PENDING', 1, t, null);
    let at = t;
    if (outcome === 'PENDING') {
      // Half of them wait for a retry after a failed first attempt.
      if (code) {
        logT(row, 'DISPATCHED', 1, (at += 2), null);
        logT(row, 'FAILED', 1, (at += 20), code);
        logT(row, 'PENDING', 1, at, code);
        row.attempts = 1;
        row.errorCode = code;
        row.errorDetail = `${code}: seeded`;
        row.nextAttemptAt = at + 30_000;
      }
    } else if (outcome === 'DISPATCHED') {
      logT(row, 'DISPATCHED', 1, (at += 1), null);
      row.attempts = 1;
    } else if (outcome === 'FAILED') {
      for (let a = 1; a <= 3; a++) {
        logT(row, 'DISPATCHED', a, (at += 1 + a * 50), null);
        logT(row, 'FAILED', a, (at += 30), code);
        if (a < 3) logT(row, 'PENDING', a, at, code);
      }
      row.attempts = 3;
      row.errorCode = code;
      row.errorDetail = `${code}: seeded failure, the handler's detail for operators\n    at handler (handlers/x.ts:12:7)`;
    } else {
      let a = 1;
      if (outcome === 'RETRIED') {
        logT(row, 'DISPATCHED', 1, (at += 1), null);
        logT(row, 'FAILED', 1, (at += 25), code);
        logT(row, 'PENDING', 1, at, code);
        at += 200;
        a = 2;
      }
      logT(row, 'DISPATCHED', a, (at += 1), null);
      logT(row, 'ACKED', a, (at += 2 + Math.floor(rand() * 30)), null);
      row.attempts = a;
    }
    row.state = outcome === 'RETRIED' ? 'ACKED' : outcome;
    row.updatedAt = at;
    st.insertRow(row);
    written++;
  };

  const entry = (threadId: string | null, parentId: string | null, h: Hop, at: number): EntryRow => ({
    id: randomUUID(),
    threadId,
    parentId,
    from: h.from,
    to: h.to,
    root: h.root,
    kind: h.kind,
    chain: JSON.stringify(h.chain),
    payload: payload(h.root, msgNo++),
    raw: null,
    state: 'PENDING',
    attempts: 0,
    errorCode: null,
    errorDetail: null,
    nextAttemptAt: null,
    egress: h.egress,
    createdAt: at,
    updatedAt: at,
  });

  const rejectAt = (at: number): void => {
    const code = weighted(rand, REJECTION_CODES);
    const from = code === 'MALFORMED_XML' ? null : weighted(rand, PRODUCERS);
    const to = code === 'MALFORMED_XML' || rand() < 0.3 ? null : pick(LISTENERS);
    const raw = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>${from ?? ''}</from><to>${to ?? ''}</to></meta><request xmlns="urn:organism:demo:${to ?? 'unknown'}"><id>${msgNo++}</id><qty>lots</qty></request></message>`;
    const row: EntryRow = {
      id: randomUUID(),
      // Refused before a thread was assigned: no thread (a thread of its own would add threads).
      threadId: null,
      parentId: null,
      from,
      to,
      root: code === 'MALFORMED_XML' ? null : to ? rootOf(to, false) : '{urn:organism:unknown}request',
      kind: 'rejected',
      chain: '[]',
      payload: null,
      raw,
      state: 'FAILED',
      attempts: 0,
      errorCode: code,
      errorDetail: `1:${100 + (msgNo % 40)} /message/request/qty: ${code.toLowerCase()} (seeded)`,
      nextAttemptAt: null,
      egress: false,
      createdAt: at,
      updatedAt: at,
    };
    st.insertRow(row);
    logT(row, 'FAILED', 0, at, code);
    written++;
    rejected++;
  };

  const threadTarget = target - rejectedTarget;
  const begin = sqlite.prepare('BEGIN');
  const commit = sqlite.prepare('COMMIT');
  begin.run();
  let lastLog = performance.now();
  let committed = 0;
  for (let t = 0; t < threadCount; t++) {
    const start = now - DAY + Math.floor(((t + rand()) * DAY) / threadCount);
    const openThread = start > now - OPEN_WINDOW;
    const threadId = randomUUID();
    const producer = weighted(rand, PRODUCERS);
    // Spread the remaining messages evenly over the remaining threads, 2..18 each.
    const left = threadTarget - (written - rejected);
    const mean = left / (threadCount - t);
    const k = Math.max(1, Math.min(24, Math.round(mean - 8 + rand() * 16)));
    const failAt = rand() < 0.04 ? 1 + Math.floor(rand() * Math.max(1, k - 2)) : -1;
    let at = start;
    let prev: { row: EntryRow; hop: Hop } | undefined;
    for (let i = 0; i < k; i++) {
      let hop: Hop;
      if (!prev || prev.hop.egress || prev.hop.to === producer) {
        const to = rand() < 0.4 ? 'gateway' : pick(LISTENERS);
        hop = {
          from: producer,
          to,
          chain: [producer],
          kind: 'ingress',
          egress: false,
          root: rootOf(to, false),
        };
      } else {
        const handler = prev.hop.to;
        const c = prev.hop.chain;
        if (c.length < 4 && rand() < 0.5) {
          let to = pick(LISTENERS);
          if (to === handler) to = LISTENERS[(LISTENERS.indexOf(to) + 1) % LISTENERS.length]!;
          hop = {
            from: handler,
            to,
            chain: [...c, handler],
            kind: 'forward',
            egress: false,
            root: rootOf(to, false),
          };
        } else {
          const to = c.at(-1)!;
          const chain = c.slice(0, -1);
          hop = {
            from: handler,
            to,
            chain,
            kind: 'reply',
            egress: chain.length === 0,
            root: rootOf(handler, true),
          };
        }
      }
      at += 2 + Math.floor(rand() * 40);
      const row = entry(threadId, prev?.row.id ?? null, hop, at);
      const remaining = k - i;
      if (i === failAt) {
        // Payments and fraud fail more often than the rest: dead letter groups of different sizes.
        if (rand() < 0.4) {
          row.to = rand() < 0.6 ? 'payments' : 'fraud';
          row.root = rootOf(row.to, false);
        }
        const code = weighted(rand, FAILURE_CODES);
        write(row, 'FAILED', code);
        // The caller hears of it: a SystemError from the failing listener, egress when it was outside.
        const caller = hop.chain.at(-1) ?? producer;
        const errHop: Hop = {
          from: row.to!,
          to: caller,
          chain: hop.chain.slice(0, -1),
          kind: 'error',
          egress: hop.chain.length <= 1,
          root: SYSTEM_ERROR_ROOT,
        };
        at += 100;
        const err = entry(threadId, row.id, errHop, at);
        write(err, 'ACKED', null);
        i++;
        prev = { row: err, hop: { ...errHop, egress: true } };
        continue;
      }
      if (openThread && remaining === 1) {
        const state = rand() < 0.5 ? 'PENDING' : 'DISPATCHED';
        write(row, state, state === 'PENDING' && rand() < 0.5 ? 'HANDLER_ERROR' : null);
      } else if (!hop.egress && rand() < 0.02) {
        write(row, 'RETRIED', rand() < 0.7 ? 'HANDLER_ERROR' : 'HANDLER_TIMEOUT');
      } else {
        write(row, 'ACKED', null);
      }
      at = row.updatedAt;
      prev = { row, hop };
    }
    // Refused input arrives spread over the day, between threads.
    while (rejected < (rejectedTarget * (t + 1)) / threadCount) rejectAt(start + Math.floor(rand() * 500));
    if (written - committed >= 50_000) {
      committed = written;
      st.writePending();
      commit.run();
      begin.run();
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  … ${written.toLocaleString('en-US')} messages`);
      }
    }
  }
  st.writePending();
  commit.run();
  const seedMs = performance.now() - t0;
  log(
    `  ${written.toLocaleString('en-US')} messages, ${threadCount.toLocaleString('en-US')} threads, ${transitions.toLocaleString('en-US')} transitions written in ${(seedMs / 1000).toFixed(1)} s`,
  );
  const i0 = performance.now();
  for (const ix of indexes) sqlite.exec(ix.sql);
  const indexMs = performance.now() - i0;
  log(`  ${indexes.length} indexes built in ${(indexMs / 1000).toFixed(1)} s`);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  open.close();
  const bytes = statSync(path).size;
  return {
    version: SEED_VERSION,
    messages: written,
    threads: threadCount,
    rejected,
    transitions,
    now,
    seedMs: performance.now() - t0,
    indexMs,
    bytes,
  };
}
