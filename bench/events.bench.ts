/**
 * What the event stream costs (issue 10: nothing while idle, and 20 subscribers at full throughput
 * without slowing the pump by more than 5%), journal fast, one hop:
 *
 * - over HTTP: the engine as a user runs it (`organism run`, its own process), POST /messages as fast as
 *   it answers (64 keep-alive connections), with no subscriber and then with 20 consoles' SSE
 *   subscriptions to `events.stream` (signed in as an admin, held on a thread of this process that
 *   parses every item); then the engine idle for 10 s with 20 subscribers, and with none, in CPU time
 *   (/proc/<pid>/stat);
 * - in process: the journaled one hop through the engine's facade (`engine.submit`, 512 in flight)
 *   with no subscriber and with 20 `engine.stream()` consumers serializing every item, as the server does.
 *
 * Run: pnpm bench   (or: cd bench && pnpm events). BENCH_EVENTS_SECONDS sets each load's duration
 * (default 10), BENCH_MESSAGES the in-process message count.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createEngine } from '@organism/engine';
import { envelopeXml, num, report, closedLoop } from './lib/figures.ts';
import { describeLoad, load } from './lib/http-load.ts';
import { signIn, startEngineProcess } from './lib/engine-process.ts';
import type { EngineProcess } from './lib/engine-process.ts';
import { CONNECTIONS, LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';
import { encodeFrame } from '../apps/engine/src/server/event-stream-endpoint.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 10);
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const SUBSCRIBERS = 20;
const IDLE_SECONDS = 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface SubscriberStats {
  connected: number;
  items: number;
  transitions: number[];
  errors: number;
  /** CPU time the subscribers' thread has used, in ms (Linux). */
  cpuMs?: number;
}

/** Starts `count` SSE subscribers on a worker thread; resolves once every one is connected. */
async function subscribe(
  engine: EngineProcess,
  cookie: string,
  count: number,
): Promise<{ stats(): Promise<SubscriberStats>; stop(): Promise<SubscriberStats> }> {
  const worker = new Worker(new URL('./lib/sse-subscribers.mjs', import.meta.url), {
    workerData: { url: engine.url, cookie, count },
  });
  const ask = (m: string): Promise<SubscriberStats> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(m);
    });
  for (let i = 0; ; i++) {
    const s = await ask('stats');
    if (s.connected === count && s.items >= count) break;
    if (s.errors > 0 || i > 100) throw new Error(`subscribers: ${JSON.stringify(s)}`);
    await sleep(100);
  }
  return {
    stats: () => ask('stats'),
    stop: async () => {
      const s = await ask('stop');
      await worker.terminate();
      return s;
    },
  };
}

/** A `process.cpuUsage()` difference over `seconds`, in % of one core. */
function share(used: NodeJS.CpuUsage, seconds: number): number {
  return ((used.user + used.system) / 1000 / (seconds * 1000)) * 100;
}

/** CPU used by the engine process over `seconds` while nothing is sent, in % of one core. */
async function idleCpu(engine: EngineProcess, seconds: number): Promise<number> {
  const c0 = engine.cpuMs();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return ((engine.cpuMs() - c0) / (performance.now() - t0)) * 100;
}

async function overHttp(rec: Recorder): Promise<void> {
  const engine = await startEngineProcess('fast');
  try {
    const cookie = await signIn(engine.url);
    const opts = {
      url: engine.url,
      path: '/messages',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${engine.token}` },
      bodies: Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i)),
      connections: CONNECTIONS,
    };
    await load({ ...opts, seconds: Math.min(2, SECONDS / 2) });
    await sleep(1000);
    const idle0 = await idleCpu(engine, IDLE_SECONDS);
    let cpu = engine.cpuMs();
    let own = process.cpuUsage();
    const none = await load({ ...opts, seconds: SECONDS });
    const ownNone = share(process.cpuUsage(own), none.seconds);
    const cpuNone = (engine.cpuMs() - cpu) / none.requests;
    console.log(`  no subscriber: ${describeLoad(none)}`);
    const subs = await subscribe(engine, cookie, SUBSCRIBERS);
    const before = await subs.stats();
    cpu = engine.cpuMs();
    own = process.cpuUsage();
    const some = await load({ ...opts, seconds: SECONDS });
    const cpuSome = (engine.cpuMs() - cpu) / some.requests;
    const ownSome = share(process.cpuUsage(own), some.seconds);
    const during = await subs.stats();
    console.log(`  ${SUBSCRIBERS} subscribers: ${describeLoad(some)}`);
    // Let them catch up, then the engine idles with them.
    await sleep(2000);
    const caught = await subs.stats();
    const idle20 = await idleCpu(engine, IDLE_SECONDS);
    const after = await subs.stop();
    const got = caught.transitions.map((t, i) => t - (before.transitions[i] ?? 0));
    console.log(
      `  each subscriber received ${Math.min(...got)} to ${Math.max(...got)} transitions for the ${some.requests} messages (${after.items} stream items in all, ${after.errors} errors)`,
    );
    const key = 'events_http_one_hop_fast';
    const xml = { limit: LIMIT.libxml1, also: [LIMIT.http] };
    report(rec, `${key}.subscribers_0`, 'POST /messages, fast, no subscriber', none.perSecond, 'msg/s', xml);
    report(
      rec,
      `${key}.subscribers_20`,
      `POST /messages, fast, ${SUBSCRIBERS} subscribers`,
      some.perSecond,
      'msg/s',
      xml,
    );
    report(rec, `${key}.ratio`, `  with ${SUBSCRIBERS} ÷ without`, some.perSecond / none.perSecond, 'ratio', {
      aim: '≥ 0.95',
    });
    // What the load generator and the subscribers took of this machine's cores: consoles would parse
    // their items on machines of their own.
    report(
      rec,
      `${key}.bench_cpu.subscribers_0`,
      '  this process (load generator), no subscriber',
      ownNone,
      '% of a core',
    );
    report(
      rec,
      `${key}.bench_cpu.subscribers_20`,
      `  this process (load generator, ${SUBSCRIBERS} subscribers)`,
      ownSome,
      '% of a core',
    );
    if (during.cpuMs !== undefined && before.cpuMs !== undefined)
      report(
        rec,
        `${key}.subscribers_cpu`,
        `  the ${SUBSCRIBERS} subscribers' own thread, parsing every item`,
        ((during.cpuMs - before.cpuMs) / (some.seconds * 1000)) * 100,
        '% of a core',
      );
    // The subscribers parse on a thread of this process, beside the load generator: on a 2-core machine
    // they take CPU from the engine too, so its CPU time per message is the figure that is its own.
    const perMsg = `${key}.engine_cpu_per_msg`;
    report(rec, `${perMsg}.subscribers_0`, '  engine CPU per message, no subscriber', cpuNone * 1000, 'µs');
    report(
      rec,
      `${perMsg}.subscribers_20`,
      `  engine CPU per message, ${SUBSCRIBERS} subscribers`,
      cpuSome * 1000,
      'µs',
    );
    report(rec, `${perMsg}.ratio`, `  with ${SUBSCRIBERS} ÷ without`, cpuSome / cpuNone, 'ratio', {
      aim: '≤ 1.05',
    });
    report(
      rec,
      'events_idle_cpu.subscribers_0',
      `engine idle ${IDLE_SECONDS} s, no subscriber`,
      idle0,
      '% of a core',
    );
    report(
      rec,
      'events_idle_cpu.subscribers_20',
      `engine idle ${IDLE_SECONDS} s, ${SUBSCRIBERS} subscribers`,
      idle20,
      '% of a core',
      {
        aim: 'nothing (as with none)',
      },
    );
    console.log(`  engine RSS at the end: ${num(engine.rssMb())} MB`);
  } finally {
    await engine.stop();
  }
}

/** The journaled one hop through the facade, with `subscribers` in-process consumers of the stream. */
async function inProcess(subscribers: number): Promise<{ rate: number; items: number; cpuUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-'));
  const journalPath = join(dir, 'journal.sqlite');
  const engine = await createEngine(ORGANISM, { journalPath, durability: 'fast' });
  await engine.start();
  const stop = new AbortController();
  setMaxListeners(subscribers * 3 + 10, stop.signal);
  let items = 0;
  const consumers = Array.from({ length: subscribers }, async () => {
    for await (const out of engine.stream({}, stop.signal)) {
      encodeFrame(out.id, out.item);
      items++;
    }
  });
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i));
  const cpu = process.cpuUsage();
  const rate = await closedLoop(engine, messages, N, 512);
  const used = process.cpuUsage(cpu);
  stop.abort();
  await Promise.all(consumers.map((c) => c.catch(() => undefined)));
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  // The process's CPU (every thread: the engine's, its writer's, the consumers') per message, the
  // closed loop's warm-up of 2,000 included.
  return { rate, items, cpuUs: (used.user + used.system) / (N + 2_000) };
}

const rec = new Recorder('events');
console.log(`event stream — journal fast, one hop, ${SUBSCRIBERS} subscribers, node ${process.version}`);
await ensureLimits(rec, [LIMIT.libxml1, LIMIT.http]);
await overHttp(rec);
const alone = await inProcess(0);
const watched = await inProcess(SUBSCRIBERS);
const key = 'events_pump_one_hop_fast';
report(rec, `${key}.subscribers_0`, 'engine.submit, fast, no subscriber', alone.rate, 'msg/s', {
  limit: LIMIT.libxml1,
});
report(
  rec,
  `${key}.subscribers_20`,
  `engine.submit, fast, ${SUBSCRIBERS} engine.stream()`,
  watched.rate,
  'msg/s',
  {
    limit: LIMIT.libxml1,
  },
);
report(
  rec,
  `${key}.ratio`,
  `  with ${SUBSCRIBERS} ÷ without (${watched.items} items)`,
  watched.rate / alone.rate,
  'ratio',
  {
    aim: '≥ 0.95',
  },
);
report(rec, `${key}.cpu_per_msg.subscribers_0`, '  CPU per message, no subscriber', alone.cpuUs, 'µs');
report(
  rec,
  `${key}.cpu_per_msg.subscribers_20`,
  `  CPU per message, ${SUBSCRIBERS} engine.stream()`,
  watched.cpuUs,
  'µs',
);
report(
  rec,
  `${key}.cpu_per_msg.ratio`,
  `  with ${SUBSCRIBERS} ÷ without`,
  watched.cpuUs / alone.cpuUs,
  'ratio',
  {
    aim: '≤ 1.05',
  },
);
rec.done();
