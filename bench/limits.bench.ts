/**
 * The limits of this machine, measured now: the first script of `pnpm bench`, so that every later one
 * takes its ratios against limits of the same run (lib/limits.ts says what each one is).
 * Run: pnpm bench   (or: cd bench && pnpm limits). BENCH_LIMIT_SECONDS sets each one's duration.
 */
import { loadavg } from 'node:os';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const rec = new Recorder('limits');
console.log(
  `limits — measured in this run, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await ensureLimits(rec, Object.values(LIMIT), true);
rec.done();
