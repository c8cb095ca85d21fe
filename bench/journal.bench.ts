/**
 * End to end with the journal: messages/s in fast and strict mode (one hop and a 4-hop chain), dispatch
 * latency p50/p99 at a steady 1,000 msg/s, and the time to recover 100,000 unacked entries.
 * Run: pnpm bench   (or: cd bench && pnpm journal). BENCH_MESSAGES sets the message count.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { createEngine } from '@organism/engine';
import { SqliteJournal } from '../apps/engine/src/journal/sqlite/sqlite-journal.ts';
import type { Delivery } from '../apps/engine/src/pump/delivery.ts';
import { envelopeXml, recordXml, row, LIMITS } from './lib/figures.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const IN_FLIGHT = 512;
const tmp = (): string => join(mkdtempSync(join(tmpdir(), 'organism-bench-')), 'journal.sqlite');

async function throughput(durability: 'strict' | 'fast', to: string): Promise<number> {
  const engine = await createEngine(ORGANISM, { journalPath: tmp(), durability });
  await engine.start();
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml(to, i));
  const run = async (n: number): Promise<number> => {
    const t0 = performance.now();
    let next = 0;
    const producer = async (): Promise<void> => {
      while (next < n) {
        const res = await engine.submit(messages[next++ % messages.length] ?? '');
        if (!res.ok) throw new Error(res.error.message);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
    await engine.whenQuiet();
    return (n / (performance.now() - t0)) * 1000;
  };
  await run(2_000);
  const rate = await run(N);
  await engine.stop();
  return rate;
}

async function latency(
  durability: 'strict' | 'fast',
  rate: number,
  seconds: number,
): Promise<{ p50: number; p99: number; max: number }> {
  const engine = await createEngine(ORGANISM, { journalPath: tmp(), durability });
  await engine.start();
  // The dispatcher may start a handler before submit() resolves, so match the two whichever comes first.
  const receivedAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  engine.on('message.received', (e) => {
    const t = sentAt.get(e.messageId);
    if (t !== undefined) samples.push(performance.now() - t);
    else receivedAt.set(e.messageId, performance.now());
  });
  const total = rate * seconds;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const started = performance.now();
    void engine.submit(envelopeXml('sink', i)).then((res) => {
      if (!res.ok) return;
      for (const id of res.messageIds) {
        const got = receivedAt.get(id);
        if (got !== undefined) samples.push(got - started);
        else sentAt.set(id, started);
      }
    });
  }
  await engine.whenQuiet();
  await engine.stop();
  samples.sort((a, b) => a - b);
  const pick = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { p50: pick(0.5), p99: pick(0.99), max: samples.at(-1) ?? NaN };
}

async function recovery(entries: number): Promise<{ requeueMs: number; drainMs: number }> {
  const path = tmp();
  const seed = new SqliteJournal({ path, durability: 'fast', maxBatch: 1000 });
  const payload = recordXml(0);
  for (let i = 0; i < entries; i += 1000) {
    const batch: Delivery[] = Array.from({ length: Math.min(1000, entries - i) }, (_, k) => ({
      id: randomUUID() as Delivery['id'],
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

console.log(
  `journal end to end — ${N} messages of ${Buffer.byteLength(recordXml(0))} bytes, ${IN_FLIGHT} producers in flight, node ${process.version}`,
);
const fast1 = await throughput('fast', 'sink');
row('fast, one hop', fast1, 'msg/s', { name: 'naive pipeline NORMAL', value: LIMITS.naivePipelineNormal });
const fast4 = await throughput('fast', 'hop1');
row('fast, 4-hop chain', fast4, 'msg/s', {
  name: 'naive pipeline NORMAL',
  value: LIMITS.naivePipelineNormal,
});
const strict1 = await throughput('strict', 'sink');
row('strict, one hop', strict1, 'msg/s', { name: 'naive pipeline FULL', value: LIMITS.naivePipelineFull });
const strict4 = await throughput('strict', 'hop1');
row('strict, 4-hop chain', strict4, 'msg/s', {
  name: 'naive pipeline FULL',
  value: LIMITS.naivePipelineFull,
});
for (const d of ['fast', 'strict'] as const) {
  const l = await latency(d, 1000, 5);
  console.log(
    `${`${d}, dispatch latency at 1,000 msg/s`.padEnd(44)} p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(1)} ms  (aim p99 ≤ 5 ms)`,
  );
}
const rec = await recovery(100_000);
console.log(
  `${'recover 100,000 unacked entries'.padEnd(44)} re-queued in ${(rec.requeueMs / 1000).toFixed(2)} s, all delivered in ${(rec.drainMs / 1000).toFixed(2)} s  (aim ≤ 5 s)`,
);
console.log('aims: strict ≥ 10,000 msg/s and fast ≥ 15,000 msg/s one hop');
