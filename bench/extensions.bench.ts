/**
 * What unruly extensions cost the pump: journaled one hop (fast), closed loop, with no extension against
 * an organism whose extensions have, on every engine event, a handler that never settles, one that throws
 * and one that takes 5 ms; rounds alternate between the two, medians of 3 (docs/extensions.md: handlers run
 * off the pump's path, each on a bounded queue of its own). Then what a durable extension costs (one handler
 * on every dispatch event, read from the journal's event log on the engine's thread), strict and fast.
 * Run: pnpm bench (or: cd bench && pnpm extensions). BENCH_MESSAGES sets the messages per round (10,000).
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@organism/engine';
import { createLogger } from '../apps/engine/src/logging/logger.ts';
import { closedLoop, envelopeXml, median, report, SERVING_READY_MS } from './lib/figures.ts';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const BENCH_ORGANISM = fileURLToPath(new URL('../examples/bench/', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = 3;

const UNRULY = `export default (ext) => {
  ext.onEvent('*', '*', () => new Promise(() => {}), { timeoutMs: 60_000 });
  ext.onEvent('*', '*', () => { throw new Error('always'); });
  ext.onEvent('*', '*', () => new Promise((resolve) => setTimeout(resolve, 5)));
};
`;

const DURABLE = `import { defineExtension } from '@organism/engine/extension';
let heard = 0;
export default defineExtension((ext) => {
  ext.onEvent('dispatch', '*', () => { heard++; });
}, { durable: true });
`;

type Extension = 'none' | 'unruly' | 'durable';

/** The bench organism in a temp folder, with the unruly extension, a durable one, or none. */
function organism(extension: Extension): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-ext-'));
  cpSync(BENCH_ORGANISM, dir, { recursive: true, filter: (src) => !/(node_modules|\.organism)$/.test(src) });
  symlinkSync(join(BENCH_ORGANISM, 'node_modules'), join(dir, 'node_modules'));
  if (extension !== 'none') mkdirSync(join(dir, 'extensions'));
  if (extension === 'unruly') writeFileSync(join(dir, 'extensions/unruly.mjs'), UNRULY);
  if (extension === 'durable') writeFileSync(join(dir, 'extensions/ledger.ts'), DURABLE);
  return { file: join(dir, 'organism.yaml'), dir };
}

let logged = 0;
const sink = { write: (): void => void logged++ };

/**
 * One closed loop. The durable rounds run as `organism run` does (`serving`: the writer thread from the
 * start), where a durable extension's own writes wait for the writer thread's lock.
 */
async function round(
  extension: Extension,
  durability: 'strict' | 'fast' = 'fast',
  serving = false,
): Promise<number> {
  const { file, dir } = organism(extension);
  // The engine logs every failure of the throwing handler: counted, not printed, so the bench's output stays.
  const engine = await createEngine(file, {
    journalPath: join(dir, 'journal.sqlite'),
    durability,
    ...(serving ? { serving } : {}),
    logger: createLogger({ format: 'json', level: 'info', sinks: { out: sink, err: sink } }),
  });
  await engine.start();
  if (serving) await new Promise((r) => setTimeout(r, SERVING_READY_MS));
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i));
  const rate = await closedLoop(engine, messages, N, 512);
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const rec = new Recorder('extensions');
console.log(`extensions — journal fast, one hop, ${N} messages a round, node ${process.version}`);
await ensureLimits(rec, [LIMIT.libxml1]);
const without: number[] = [];
const withUnruly: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  without.push(await round('none'));
  withUnruly.push(await round('unruly'));
}
const key = 'extensions_pump_one_hop_fast';
report(rec, `${key}.none`, 'engine.submit, fast, no extension', median(without), 'msg/s', {
  limit: LIMIT.libxml1,
});
report(
  rec,
  `${key}.unruly`,
  'engine.submit, fast, stuck + throwing + 5 ms handlers on every event',
  median(withUnruly),
  'msg/s',
  {
    limit: LIMIT.libxml1,
  },
);
report(rec, `${key}.ratio`, '  with ÷ without', median(withUnruly) / median(without), 'ratio', {
  aim: '≥ 0.95',
});
for (const durability of ['strict', 'fast'] as const) {
  const none: number[] = [];
  const durable: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    none.push(await round('none', durability, true));
    durable.push(await round('durable', durability, true));
  }
  const k = `extensions_durable_one_hop_${durability}`;
  report(rec, `${k}.none`, `engine.submit, ${durability}, no extension`, median(none), 'msg/s', {
    limit: LIMIT.libxml1,
  });
  report(rec, `${k}.durable`, `engine.submit, ${durability}, a durable extension`, median(durable), 'msg/s', {
    limit: LIMIT.libxml1,
  });
  report(rec, `${k}.ratio`, '  with ÷ without', median(durable) / median(none), 'ratio');
}
rec.done();
