/**
 * What `isolate: worker` costs a message: journaled one hop (fast), closed loop, to a sink whose handler
 * runs on the engine's thread against the same sink in a pool of worker threads (both at concurrency 4,
 * the pool's size); rounds alternate, medians of 3. Prints each rate and the extra time per message.
 * Run: pnpm bench (or: cd bench && pnpm isolation). BENCH_MESSAGES sets the messages per round (10,000).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@organism/engine';
import { closedLoop, envelopeXml, median, report } from './lib/figures.ts';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const BENCH_ORGANISM = fileURLToPath(new URL('../examples/bench/', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = 3;
const POOL = 4;

/** The bench organism in a temp folder, its sink at concurrency POOL, isolated or not. */
function organism(isolated: boolean): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-iso-'));
  cpSync(BENCH_ORGANISM, dir, { recursive: true, filter: (src) => !/(node_modules|\.organism)$/.test(src) });
  symlinkSync(join(BENCH_ORGANISM, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'organism.yaml');
  const yaml = readFileSync(file, 'utf8').replace(
    /(handler: \.\/handlers\/chain\.ts#sink\n {4}concurrency:) 256\n/,
    `$1 ${POOL}\n${isolated ? '    isolate: worker\n' : ''}`,
  );
  if (!yaml.includes(`concurrency: ${POOL}`)) throw new Error('the bench organism changed: sink not found');
  writeFileSync(file, yaml);
  return { file, dir };
}

async function round(isolated: boolean): Promise<number> {
  const { file, dir } = organism(isolated);
  const engine = await createEngine(file, { journalPath: join(dir, 'journal.sqlite'), durability: 'fast' });
  await engine.start();
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i));
  // A first message starts the pool's workers before the clock runs.
  await closedLoop(engine, messages, POOL * 4, POOL);
  const rate = await closedLoop(engine, messages, N, 512);
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const rec = new Recorder('isolation');
console.log(
  `isolation — journal fast, one hop, sink at concurrency ${POOL}, ${N} messages a round, node ${process.version}`,
);
await ensureLimits(rec, [LIMIT.libxml1]);
const plain: number[] = [];
const isolated: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  plain.push(await round(false));
  isolated.push(await round(true));
}
const key = 'isolation_one_hop_fast';
report(rec, `${key}.none`, 'engine.submit, fast, handler on the engine thread', median(plain), 'msg/s', {
  limit: LIMIT.libxml1,
});
report(rec, `${key}.worker`, 'engine.submit, fast, handler in a worker pool', median(isolated), 'msg/s', {
  limit: LIMIT.libxml1,
});
report(rec, `${key}.ratio`, '  worker ÷ engine thread', median(isolated) / median(plain), 'ratio');
report(
  rec,
  `${key}.extra_us`,
  '  extra time per message',
  1e6 / median(isolated) - 1e6 / median(plain),
  'µs',
);
rec.done();
