/**
 * The memory soak: the engine as a user runs it (`organism run`, its own process) taking a steady
 * 2,000 msg/s over HTTP (open loop, 64 keep-alive connections, one-hop envelopes of ~1 KB), its RSS
 * (VmRSS of /proc/<pid>/status) sampled every 5 s. Prints the curve, the least-squares slope after the
 * first minute (MB/min) and the max, beside the aims: flat, and under 300 MB.
 *
 * A machine whose engine answers fewer than 2,000 msg/s would measure its backlog, not a steady state:
 * when this run's `http.bench.ts` measured the fast rate, and 80% of it is below 2,000, the soak runs at
 * that 80% instead and says so (`--rate` always wins).
 *
 * Run: cd bench && pnpm soak [--seconds 300] [--rate 2000] [--durability fast|strict]
 * (`pnpm bench` runs it for BENCH_SOAK_SECONDS, default 120 there).
 */
import { parseArgs } from 'node:util';
import { envelopeXml, num, report } from './lib/figures.ts';
import { describeLoad, load } from './lib/http-load.ts';
import { startEngineProcess } from './lib/engine-process.ts';
import { CONNECTIONS, LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.BENCH_SOAK_SECONDS ?? '300' },
    rate: { type: 'string' },
    durability: { type: 'string', default: 'fast' },
  },
});
const SECONDS = Number(values.seconds);
const AIM_RATE = 2000;
const durability = values.durability === 'strict' ? 'strict' : 'fast';
const EVERY_S = 5;
const WARM_S = 60;
const AIM_MB = 300;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

const BARS = '▁▂▃▄▅▆▇█';
function sparkline(ys: number[], lo: number, hi: number): string {
  return ys
    .map((y) => BARS[Math.min(BARS.length - 1, Math.floor(((y - lo) / (hi - lo || 1)) * BARS.length))])
    .join('');
}

const rec = new Recorder('soak');
/** What the engine answered over HTTP in this run (fast, closed loop), if http.bench.ts ran before. */
const held = rec.read()?.figures['http_post_messages_fast']?.value;
const RATE =
  values.rate !== undefined
    ? Number(values.rate)
    : held !== undefined && held * 0.8 < AIM_RATE
      ? Math.floor((held * 0.8) / 100) * 100
      : AIM_RATE;
if (RATE < AIM_RATE && values.rate === undefined)
  console.log(
    `this engine answered ${num(held ?? 0)} msg/s over HTTP in this run: the soak runs at ${num(RATE)} msg/s (80% of it), not ${num(AIM_RATE)}, to measure a steady state rather than a backlog`,
  );
console.log(
  `soak — ${RATE} msg/s over HTTP for ${SECONDS} s (open loop, ${CONNECTIONS} connections), journal ${durability}, RSS every ${EVERY_S} s, node ${process.version}`,
);
await ensureLimits(rec, [LIMIT.libxml1]);
const engine = await startEngineProcess(durability);
const samples: { t: number; mb: number }[] = [];
try {
  const t0 = performance.now();
  const sample = (): void => {
    samples.push({ t: (performance.now() - t0) / 1000, mb: engine.rssMb() });
  };
  sample();
  const timer = setInterval(sample, EVERY_S * 1000);
  const r = await load({
    url: engine.url,
    path: '/messages',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${engine.token}` },
    bodies: Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i)),
    connections: CONNECTIONS,
    rate: RATE,
    seconds: SECONDS,
  });
  clearInterval(timer);
  sample();
  const refused = r.requests - (r.statuses['202'] ?? 0);
  console.log(`load: ${describeLoad(r)}${refused ? `  — ${refused} NOT 202` : ''}`);

  const max = Math.max(...samples.map((s) => s.mb));
  const min = Math.min(...samples.map((s) => s.mb));
  const late = samples.filter((s) => s.t >= WARM_S).map((s) => ({ x: s.t / 60, y: s.mb }));
  const perMin = slope(late);
  console.log('\n  time s   RSS MB');
  for (const s of samples) console.log(`  ${s.t.toFixed(0).padStart(6)}   ${s.mb.toFixed(1).padStart(6)}`);
  console.log(
    `\n  RSS ${min.toFixed(0)}–${max.toFixed(0)} MB  ${sparkline(
      samples.map((s) => s.mb),
      min,
      max,
    )}\n`,
  );
  rec.figure('soak.seconds', SECONDS, 's');
  rec.figure('soak.rate_sent', RATE, 'msg/s');
  report(rec, 'soak.rate', `sent at ${RATE}/s, answered`, r.perSecond, 'msg/s', { limit: LIMIT.libxml1 });
  report(rec, 'soak.p99', '  p99 from the scheduled send', r.latencyMs.p99, 'ms');
  report(rec, 'soak.not_202', '  answers other than 202', refused, 'answers');
  report(rec, 'soak.unsent', '  never sent (the engine fell behind)', r.unsent, 'requests');
  report(rec, 'soak.rss_max', 'engine RSS, max', max, 'MB', { aim: `< ${AIM_MB} MB` });
  report(rec, 'soak.rss_end', 'engine RSS at the end', samples.at(-1)?.mb ?? NaN, 'MB');
  report(
    rec,
    'soak.rss_slope',
    `engine RSS slope after the first ${WARM_S} s (${late.length} samples)`,
    perMin,
    'MB/min',
    { aim: 'flat (≈ 0)' },
  );
  if (late.length < 3) console.log(`  (too short for a slope: run --seconds 300)`);
  console.log(`  engine RSS when the load stopped: ${num(engine.rssMb())} MB`);
} finally {
  await engine.stop();
}
rec.done();
