/**
 * `POST /messages` over HTTP: the engine as a user runs it (`organism run`, its own process), strict and
 * fast, driven by lib/http-load.ts with 64 keep-alive connections as fast as it answers (closed loop),
 * one-hop envelopes of ~1 KB. Prints msg/s and latencies beside the empty-handler HTTP limit and the
 * libxml2 limit of the same run, and the CPU time per message of the engine, of its own thread
 * (/proc/<pid>/task) and of the load generator, with the rate all cores would give at that cost
 * (whether it is the engine or the machine that is the bound); counts every answer that is not 202.
 * Run: pnpm bench   (or: cd bench && pnpm http). BENCH_HTTP_SECONDS sets each measurement's duration.
 */
import { availableParallelism } from 'node:os';
import { envelopeXml, num, recordXml, report } from './lib/figures.ts';
import { describeLoad, load } from './lib/http-load.ts';
import { startEngineProcess } from './lib/engine-process.ts';
import { CONNECTIONS, LIMIT, ensureLimits } from './lib/limits.ts';
import { Recorder } from './lib/results.ts';

const CORES = availableParallelism();
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const rec = new Recorder('http');
console.log(
  `POST /messages over HTTP — ${CONNECTIONS} keep-alive connections, ${SECONDS} s each, envelopes of ${Buffer.byteLength(envelopeXml('sink', 0))} bytes (payload ${Buffer.byteLength(recordXml(0))}), node ${process.version}`,
);
await ensureLimits(rec, [LIMIT.libxml1, LIMIT.libxmlAll, LIMIT.http]);
const bodies = Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i));

for (const durability of ['strict', 'fast'] as const) {
  const engine = await startEngineProcess(durability);
  try {
    const opts = {
      url: engine.url,
      path: '/messages',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${engine.token}` },
      bodies,
      connections: CONNECTIONS,
    };
    await load({ ...opts, seconds: Math.min(2, SECONDS / 2) });
    const cpu0 = engine.cpuMs();
    const thread0 = engine.threadCpuMs();
    const own0 = process.cpuUsage();
    const r = await load({ ...opts, seconds: SECONDS });
    const cpuMs = engine.cpuMs() - cpu0;
    const threadMs = engine.threadCpuMs() - thread0;
    const own = process.cpuUsage(own0);
    const ownMs = (own.user + own.system) / 1000;
    const refused = r.requests - (r.statuses['202'] ?? 0);
    console.log(`  ${durability}: ${describeLoad(r)}${refused ? `  — ${refused} NOT 202` : ''}`);
    const key = `http_post_messages_${durability}`;
    report(rec, key, `POST /messages, ${durability}`, r.perSecond, 'msg/s', {
      limit: LIMIT.libxml1,
      also: [LIMIT.http, LIMIT.libxmlAll],
      aim: durability === 'strict' ? '≥ 30% of the 1-core XML limit' : undefined,
    });
    report(rec, `${key}.p50`, `  p50 at ${CONNECTIONS} connections`, r.latencyMs.p50, 'ms');
    report(rec, `${key}.p99`, `  p99 at ${CONNECTIONS} connections`, r.latencyMs.p99, 'ms', {
      aim: durability === 'strict' ? '≤ 20 ms' : undefined,
    });
    report(rec, `${key}.max`, `  max`, r.latencyMs.max, 'ms');
    report(
      rec,
      `${key}.engine_cpu`,
      '  engine CPU while loaded',
      (cpuMs / (r.seconds * 1000)) * 100,
      '% of a core',
    );
    report(rec, `${key}.engine_cpu_per_msg`, '  engine CPU per message', (cpuMs * 1000) / r.requests, 'µs');
    report(
      rec,
      `${key}.engine_thread_cpu_per_msg`,
      "    of which the engine's own thread",
      (threadMs * 1000) / r.requests,
      'µs',
    );
    report(
      rec,
      `${key}.load_cpu_per_msg`,
      '  load generator CPU per message',
      (ownMs * 1000) / r.requests,
      'µs',
    );
    // The rate every core of this machine could give at that CPU a message (engine and load generator
    // together): past it, only less work a message helps.
    report(
      rec,
      `${key}.cpu_bound`,
      `  all ${CORES} cores at that CPU per message`,
      (CORES * r.requests * 1000) / (cpuMs + ownMs),
      'msg/s',
      { limit: LIMIT.libxml1 },
    );
    report(rec, `${key}.not_202`, `  answers other than 202`, refused, 'answers');
    console.log(`  engine RSS after the run: ${num(engine.rssMb())} MB`);
  } finally {
    await engine.stop();
  }
}
rec.done();
