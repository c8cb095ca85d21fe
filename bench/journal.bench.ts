/**
 * End to end with the journal: messages/s in fast and strict mode (one hop and a 4-hop chain) beside the
 * libxml2 and SQLite limits of the same run; dispatch latency p50/p99/max at a steady 1,000 msg/s (from
 * when each message was due to its handler's start) alone, while a console streams events (a subscriber
 * of the engine's event stream), while a second connection runs `PRAGMA wal_checkpoint(TRUNCATE)` every
 * second, and both, with the journal's writer thread serving from the start (the steady state), and
 * once more alone while the writer thread starts under the load (an engine's default, once in its
 * life); the time to recover 100,000 unacked entries. A throwaway engine's run warms the process first.
 * Run: pnpm bench   (or: cd bench && pnpm journal). BENCH_MESSAGES sets the message count,
 * BENCH_LATENCY_SECONDS each latency run's duration (default 5, after BENCH_WARMUP_SECONDS at the same
 * rate that are not counted, default 2), BENCH_RECOVERY_ENTRIES the entries to
 * recover (default 100,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createEngine } from '@organism/engine';
import { SqliteJournal } from '../apps/engine/src/journal/sqlite/sqlite-journal.ts';
import type { Delivery } from '../apps/engine/src/pump/delivery.ts';
import { newMessageId } from '../apps/engine/src/pump/message-id.ts';
import { envelopeXml, fmt, recordXml, report, closedLoopCpu, SERVING_READY_MS } from './lib/figures.ts';
import type { LoopCpu } from './lib/figures.ts';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { summary } from './lib/http-load.ts';
import { Recorder } from './lib/results.ts';
import { encodeFrame } from '../apps/engine/src/server/event-stream-endpoint.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const IN_FLIGHT = 512;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const RECOVERY_ENTRIES = Number(process.env.BENCH_RECOVERY_ENTRIES ?? 100_000);
/** A temp journal file; the folders are removed when this process exits (the recovery's is 220 MB). */
const dirs: string[] = [];
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-'));
  dirs.push(dir);
  return join(dir, 'journal.sqlite');
};

/**
 * An engine as `organism run` makes it (`serving`: its writer thread started as the journal opens), or
 * with the writer thread's policy given.
 */
async function throughput(
  durability: 'strict' | 'fast',
  to: string,
  writerThread?: 'always' | 'auto' | 'never',
): Promise<LoopCpu> {
  const engine = await createEngine(ORGANISM, {
    journalPath: tmp(),
    durability,
    ...(writerThread ? { writerThread } : { serving: true }),
  });
  await engine.start();
  // Served, the writer thread is started as the journal opens and ready well before producers come: in
  // about 0.35 s on this machine when idle, seconds later when the load comes at once (bench/NOTES.md).
  if (!writerThread) await new Promise((r) => setTimeout(r, SERVING_READY_MS));
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml(to, i));
  const run = await closedLoopCpu(engine, messages, N, IN_FLIGHT);
  await engine.stop();
  return run;
}

const CORES = availableParallelism();

/**
 * The CPU a message (or a chain) of a run, this process's main thread's part of it, and the rate all
 * cores would give at that cost: past it, only less work a message helps (bench/NOTES.md).
 */
function reportCpu(key: string, label: string, run: LoopCpu, hops: number): void {
  report(rec, `${key}.cpu_per_msg`, `  CPU per ${label}`, run.cpuPerMsg, 'µs');
  report(
    rec,
    `${key}.engine_thread_cpu_per_msg`,
    "    of which the engine's own thread",
    run.mainThreadCpuPerMsg,
    'µs',
  );
  report(
    rec,
    `${key}.cpu_bound`,
    `  all ${CORES} cores at that CPU per ${label}${hops > 1 ? ', hops' : ''}`,
    (CORES * 1e6 * hops) / run.cpuPerMsg,
    hops > 1 ? 'hops/s' : 'msg/s',
    {
      limit: LIMIT.libxml1,
    },
  );
}

type Condition = 'quiet' | 'stream' | 'checkpoint' | 'stream_checkpoint';

interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Stream items the subscriber took, and the longest checkpoint (ms), when they ran. */
  streamItems?: number;
  checkpoints?: { count: number; maxMs: number; busy: number };
}

async function latency(
  durability: 'strict' | 'fast',
  rate: number,
  seconds: number,
  condition: Condition,
  writerThread: 'serving' | 'auto',
): Promise<Latency> {
  const journalPath = tmp();
  const engine = await createEngine(ORGANISM, {
    journalPath,
    durability,
    ...(writerThread === 'serving' ? { serving: true } : {}),
  });
  await engine.start();
  // A console's subscription, served in this process as the HTTP server serves it (each item serialized).
  const stop = new AbortController();
  let streamItems = 0;
  const streaming =
    condition === 'stream' || condition === 'stream_checkpoint'
      ? (async () => {
          for await (const out of engine.stream({}, stop.signal)) {
            encodeFrame(out.id, out.item);
            streamItems++;
          }
        })()
      : undefined;
  const checkpointer =
    condition === 'checkpoint' || condition === 'stream_checkpoint'
      ? new Worker(new URL('./lib/checkpointer.mjs', import.meta.url), {
          workerData: { path: journalPath, everyMs: 1000 },
        })
      : undefined;
  // The dispatcher may start a handler before submit() resolves, so match the two whichever comes first.
  const receivedAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  engine.on('message.received', (e) => {
    const t = sentAt.get(e.messageId);
    if (t !== undefined) samples.push(performance.now() - t);
    else receivedAt.set(e.messageId, performance.now());
  });
  // The first seconds at the rate warm the engine up (V8 compiles the hot path, caches fill, the WAL
  // reaches its working size) and are not counted: the aim is the latency of a steady 1,000 msg/s.
  const warm = rate * WARMUP_SECONDS;
  const total = warm + rate * seconds;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // From when it was due, not when this loop got to send it: a stalled event loop (a commit waiting on
    // a checkpoint's lock blocks it) delays the sends too, and must show in the latencies.
    const started = Math.min(due, performance.now());
    void engine.submit(envelopeXml('sink', i)).then((res) => {
      if (!res.ok || i < warm) return;
      for (const id of res.messageIds) {
        const got = receivedAt.get(id);
        if (got !== undefined) samples.push(got - started);
        else sentAt.set(id, started);
      }
    });
  }
  await engine.whenQuiet();
  const checkpoints = checkpointer
    ? await new Promise<{ times: number[]; busy: number }>((resolve) => {
        checkpointer.once('message', resolve);
        checkpointer.postMessage('stop');
      })
    : undefined;
  await checkpointer?.terminate();
  stop.abort();
  await streaming?.catch(() => undefined);
  await engine.stop();
  const { p50, p99, max } = summary(samples);
  return {
    p50,
    p99,
    max,
    ...(streaming ? { streamItems } : {}),
    ...(checkpoints
      ? {
          checkpoints: {
            count: checkpoints.times.length,
            maxMs: Math.max(0, ...checkpoints.times),
            busy: checkpoints.busy,
          },
        }
      : {}),
  };
}

async function recovery(entries: number): Promise<{ requeueMs: number; drainMs: number }> {
  const path = tmp();
  const seed = new SqliteJournal({ path, durability: 'fast', maxBatch: 1000 });
  const payload = recordXml(0);
  for (let i = 0; i < entries; i += 1000) {
    const batch: Delivery[] = Array.from({ length: Math.min(1000, entries - i) }, (_, k) => ({
      id: newMessageId(),
      threadId: randomUUID() as Delivery['threadId'],
      from: 'bench',
      to: 'sink',
      chain: ['bench'],
      root: '{urn:organism:bench}record',
      payloadXml: payload,
      kind: 'ingress',
      attempt: 1,
      createdAt: Date.now() + i + k,
    }));
    await seed.hooks.onIntent?.(batch);
  }
  await seed.close();
  const t0 = performance.now();
  // An engine made in code, its writer thread started once busy: `organism run` starts it as the journal
  // opens, which put 0.2-0.4 s on the re-queue of 100,000 (bench/NOTES.md, "Where the commits run").
  const engine = await createEngine(ORGANISM, { journalPath: path, durability: 'fast' });
  await engine.start();
  const requeueMs = performance.now() - t0;
  await engine.whenQuiet();
  const drainMs = performance.now() - t0;
  if (engine.recovery?.requeued !== entries)
    throw new Error(`recovered ${engine.recovery?.requeued} of ${entries}`);
  await engine.stop();
  return { requeueMs, drainMs };
}

const rec = new Recorder('journal');
console.log(
  `journal end to end — ${N} messages of ${Buffer.byteLength(recordXml(0))} bytes, ${IN_FLIGHT} producers in flight, node ${process.version}`,
);
await ensureLimits(rec, [LIMIT.libxml1, LIMIT.libxmlAll, LIMIT.sqliteBatchNormal, LIMIT.sqliteBatchFull]);
const aim = '≥ 50% of the 1-core XML limit';
// The first engine of a process runs with V8 still compiling the engine's code: measured first, the fast
// one hop read about a fifth more CPU a message than the same run later in the process (and than strict,
// measured after it), whichever writer policy it had (bench/NOTES.md, "The first engine of a process").
// An engine that runs for hours is past that, so a throwaway run warms the process first; each engine's
// writer thread still starts cold, as it does in production.
const warm = await throughput('fast', 'sink');
console.log(
  `warm-up engine (not counted)            ${fmt(warm.rate)} msg/s, ${fmt(warm.cpuPerMsg)} µs a message`,
);
for (const d of ['fast', 'strict'] as const) {
  const sqlite = d === 'fast' ? LIMIT.sqliteBatchNormal : LIMIT.sqliteBatchFull;
  const also = [LIMIT.libxmlAll, sqlite];
  const one = await throughput(d, 'sink');
  report(rec, `journal_one_hop_${d}`, `${d}, one hop`, one.rate, 'msg/s', {
    limit: LIMIT.libxml1,
    also,
    aim,
  });
  reportCpu(`journal_one_hop_${d}`, 'message', one, 1);
  const four = await throughput(d, 'hop1');
  report(rec, `journal_chain4_${d}`, `${d}, 4-hop chain`, four.rate, 'chains/s', {
    limit: LIMIT.libxml1,
    also,
  });
  report(rec, `journal_chain4_${d}.hops`, `${d}, 4-hop chain, hops`, four.rate * 4, 'hops/s', {
    limit: LIMIT.libxml1,
    also,
    aim,
  });
  reportCpu(`journal_chain4_${d}`, 'chain', four, 4);
  // The rows above run the engine as `organism run` does (its writer thread ready from the start, and
  // given the commits while the engine is busy). Against it: the thread committing from the start, the
  // thread started once the journal is busy (an engine made in code: it is ready a second or more
  // later, within the counted run), and none at all.
  const words = { always: 'committing from the start', auto: 'started once busy', never: 'off' };
  for (const writer of ['always', 'auto', 'never'] as const) {
    const { rate } = await throughput(d, 'sink', writer);
    const label = `${d}, one hop, writer thread ${words[writer]}`;
    report(rec, `journal_one_hop_${d}.writer_${writer}`, label, rate, 'msg/s', { limit: LIMIT.libxml1 });
  }
}
console.log(
  `dispatch latency at 1,000 msg/s, ${LATENCY_SECONDS} s each after ${WARMUP_SECONDS} s of warm-up (aim p99 ≤ 2 ms and max ≤ 10 ms in every case)`,
);
const CONDITIONS: Record<Condition, string> = {
  quiet: 'alone',
  stream: 'a console streaming events',
  checkpoint: 'wal_checkpoint(TRUNCATE) every 1 s',
  stream_checkpoint: 'streaming + checkpoints',
};
/** One latency run, recorded and printed under `key`. */
async function latencyRow(
  d: 'fast' | 'strict',
  condition: Condition,
  label: string,
  key: string,
  writer: 'serving' | 'auto',
): Promise<void> {
  const l = await latency(d, 1000, LATENCY_SECONDS, condition, writer);
  rec.figure(`${key}.p50`, l.p50, 'ms');
  rec.figure(`${key}.p99`, l.p99, 'ms', { aim: '≤ 2 ms' });
  rec.figure(`${key}.max`, l.max, 'ms', { aim: '≤ 10 ms' });
  const extra = [
    l.streamItems !== undefined ? `${l.streamItems} stream items` : '',
    l.checkpoints
      ? `${l.checkpoints.count} checkpoints, longest ${l.checkpoints.maxMs.toFixed(1)} ms, ${l.checkpoints.busy} busy`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  console.log(
    `${`${d}, ${label}`.padEnd(48)} p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms${l.p99 <= 2 ? '' : ' (over)'}  max ${l.max.toFixed(1)} ms${l.max <= 10 ? '' : ' (over)'}${extra ? `  (${extra})` : ''}`,
  );
}

// The steady state, as `organism run` runs the engine: its writer thread ready from the start
// (`adaptive`: a fast journal commits on the engine's thread while it has time to spare, on the writer
// thread while it is busy; a strict one on the writer thread). Starting it under load (the default of an
// engine made in code, once in its life) is the last row: the thread takes seconds to start while the
// engine's thread commits, and both share the cores.
for (const d of ['fast', 'strict'] as const) {
  for (const [condition, words] of Object.entries(CONDITIONS) as [Condition, string][])
    await latencyRow(d, condition, words, `journal_dispatch_latency.${d}.${condition}`, 'serving');
  const cold = 'alone, writer thread starting meanwhile';
  await latencyRow(d, 'quiet', cold, `journal_dispatch_latency.${d}.writer_starting`, 'auto');
}
const recovered = await recovery(RECOVERY_ENTRIES);
const unacked = `recover ${fmt(RECOVERY_ENTRIES)} unacked`;
rec.figure('journal_recovery.entries', RECOVERY_ENTRIES, 'entries');
report(rec, 'journal_recovery.requeued', `${unacked}: re-queued`, recovered.requeueMs / 1000, 's', {
  aim: '≤ 1 s for 100,000',
});
report(rec, 'journal_recovery.delivered', `${unacked}: all delivered`, recovered.drainMs / 1000, 's', {
  aim: '≤ 3 s for 100,000',
});
rec.done();
