/**
 * Messages per second through the pump without a journal: one hop and a four-hop chain, 1 KB payloads,
 * printed beside libxml2-wasm's own parse + validate rate (one core, all cores) measured in the same run,
 * after a throwaway run that warms the process.
 * Run: pnpm bench   (or: cd bench && pnpm pump)
 */
import { fileURLToPath } from 'node:url';
import { barePump } from './lib/bare-pump.ts';
import { envelopeXml, recordXml, report, closedLoop } from './lib/figures.ts';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);

async function throughput(to: string): Promise<number> {
  const pump = await barePump(ORGANISM);
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml(to, i));
  const rate = await closedLoop(pump, messages, N, 64);
  pump.stop();
  return rate;
}

const rec = new Recorder('pump');
console.log(
  `pump without journal — ${N} messages of ${Buffer.byteLength(recordXml(0))} bytes, node ${process.version}`,
);
await ensureLimits(rec, [LIMIT.libxml1, LIMIT.libxmlAll]);
const xml = { limit: LIMIT.libxml1, also: [LIMIT.libxmlAll] };
// A throwaway run first: the first pump of a process runs while V8 still compiles its code (as the journal
// bench found, bench/NOTES.md "The first engine of a process"), which a long-running engine is past.
console.log(`warm-up pump (not counted)              ${Math.round(await throughput('sink'))} msg/s`);
const one = await throughput('sink');
report(rec, 'pump_one_hop', 'one hop', one, 'msg/s', { ...xml, aim: '≥ 50% of the 1-core XML limit' });
const four = await throughput('hop1');
report(rec, 'pump_chain4', '4-hop chain', four, 'chains/s', xml);
report(rec, 'pump_chain4.hops', '4-hop chain, hops', four * 4, 'hops/s', xml);
rec.done();
