/**
 * The console benchmark's cases and how they are measured, whatever the journal (console.bench.ts opens
 * it: SQLite or PostgreSQL, seeded with the same data): every list, filter and lookup the console makes,
 * through the engine's API router (the procedures the console calls, with their input schemas), each run
 * RUNS times with varied parameters (listeners, codes, ids, cursors); the aim is p95 ≤ 100 ms on the
 * server. Prints p50, p95 and max per case and records them (results.ts) under `<prefix><case>.p50|p95|max`.
 */
import { cpus, loadavg } from 'node:os';
import type { Engine } from '@organism/engine';
import { appRouter } from '../../apps/engine/src/api/app-router.ts';
import type { ApiContext } from '../../apps/engine/src/api/context.ts';
import { LoginLimiter } from '../../apps/engine/src/api/login-limiter.ts';
import { RefusalAudit } from '../../apps/engine/src/api/refusal-audit.ts';
import { RouteTracker } from '../../apps/engine/src/lifecycle/route-tracker.ts';
import { EngineEvents } from '../../apps/engine/src/pump/engine-events.ts';
import { openDatabase } from '../../apps/engine/src/journal/sqlite/open-database.ts';
import {
  FAILURE_CODES,
  LISTENERS,
  PRODUCERS,
  REJECTION_CODES,
  SYSTEM_ERROR_ROOT,
  prng,
} from './console-seed.ts';
import type { SeedInfo } from './console-seed.ts';
import { Recorder } from './results.ts';

export const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 100);
const AIM_MS = 100;
/** The page size the console's tables ask for. */
const PAGE = 100;
const HOUR = 3_600_000;

type Caller = ReturnType<typeof appRouter.createCaller>;
/** One run of a case: what to time, and optionally what to do first (earlier pages), untimed. */
type Run = (caller: Caller, i: number) => Promise<{ timed: () => Promise<number> }>;
interface Case {
  name: string;
  run: Run;
}
interface Figure {
  name: string;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

/** Ids to look up, spread over the whole journal (sampleIds). */
export interface Sample {
  messages: string[];
  threads: string[];
  seqs: number[];
}

/** Records the statements a query runs between start() and stop(), each with its plan. */
export interface QueryRecorder {
  start(): void;
  stop(): Promise<{ sql: string; plan: string }[]>;
}

export interface ConsoleRun {
  /** What the journal is, for the title line: "SQLite, 1.41 GB". */
  journal: string;
  engine: Engine;
  info: SeedInfo;
  sample: Sample;
  /** Set with BENCH_CONSOLE_EXPLAIN: prints each query's plans instead of timing it. */
  explain?: QueryRecorder;
  /** The results' script name (results/<script>.json when run alone). */
  script: string;
  /** Prefix of the recorded figures' names: `console_`, `console_pg_`. */
  prefix: string;
}

/**
 * Runs every case (those whose name contains `only`, when given) on `run.engine`, prints the table and
 * records the figures; with `run.explain`, prints each case's statements and plans instead. Closes the
 * engine.
 */
export async function runConsoleCases(run: ConsoleRun, only?: string): Promise<void> {
  const { engine, info } = run;
  const caller = appRouter.createCaller(context(engine));
  const cases = consoleCases(engine, info, run.sample).filter((c) => !only || c.name.includes(only));
  console.log(
    `console queries (${run.journal}) — load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores, ${info.messages.toLocaleString('en-US')} messages, ${info.threads.toLocaleString('en-US')} threads, ${info.transitions.toLocaleString('en-US')} transitions; ${RUNS} runs each, page size ${PAGE}, node ${process.version}`,
  );
  if (run.explain) {
    // The plan of every statement each query runs, with the parameters of its first run.
    for (const c of cases) {
      const { timed } = await c.run(caller, 0);
      run.explain.start();
      await timed();
      console.log(`\n## ${c.name}`);
      for (const q of await run.explain.stop()) console.log(`${q.sql.replace(/\s+/g, ' ')}\n${q.plan}`);
    }
    await engine.close();
    return;
  }
  const rec = new Recorder(run.script);
  const figures: Figure[] = [];
  header();
  for (const c of cases) {
    const f = await measure(caller, c);
    line(f);
    figures.push(f);
    const key = `${run.prefix}${slug(c.name)}`;
    rec.figure(`${key}.p50`, f.p50, 'ms');
    rec.figure(`${key}.p95`, f.p95, 'ms', { aim: `≤ ${AIM_MS} ms` });
    rec.figure(`${key}.max`, f.max, 'ms');
  }
  await engine.close();
  console.log(`load average at the end: ${loadavg()[0]!.toFixed(1)}`);
  const slow = figures.filter((f) => f.p95 > AIM_MS);
  console.log(
    slow.length === 0
      ? `every query's p95 ≤ ${AIM_MS} ms`
      : `${slow.length} of ${figures.length} queries over ${AIM_MS} ms at p95: ${slow.map((f) => f.name).join(', ')}`,
  );
  rec.done();
}

/** A case's name as a figure's: `messages.list to + state` → `messages_list_to_state` (no parentheses). */
function slug(name: string): string {
  return name
    .replace(/\(.*?\)/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function consoleCases(engine: Engine, info: SeedInfo, sample: Sample): Case[] {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
  const everyone = [...LISTENERS, ...names(PRODUCERS)];
  const codes = [...names(FAILURE_CODES), ...names(REJECTION_CODES)];
  const roots = [
    ...LISTENERS.flatMap((l) => [`{urn:organism:demo:${l}}request`, `{urn:organism:demo:${l}}result`]),
    SYSTEM_ERROR_ROOT,
  ];
  const states = ['ACKED', 'FAILED', 'PENDING', 'DISPATCHED'] as const;
  const { tracker, routeCount } = busyRoutes();
  /** A random hour-long window inside the seeded day. */
  const window = (): { since: number; until: number } => {
    const since = info.now - 24 * HOUR + Math.floor(rand() * 23 * HOUR);
    return { since, until: since + HOUR };
  };

  type ListInput = Parameters<Caller['messages']['list']>[0];
  type ThreadInput = Parameters<Caller['threads']['list']>[0];
  const list = (input: (i: number) => ListInput): Run => {
    return (c, i) => Promise.resolve({ timed: async () => (await c.messages.list(input(i))).items.length });
  };
  /** Times page `n` of a list, after reading the pages before it (untimed). */
  const nthPage = (n: number, input: (i: number) => ListInput): Run => {
    return async (c, i) => {
      const base = input(i);
      let cursor: string | undefined;
      for (let p = 1; p < n; p++) {
        const page = await c.messages.list({ ...base, cursor });
        cursor = page.nextCursor ?? undefined;
      }
      return { timed: async () => (await c.messages.list({ ...base, cursor })).items.length };
    };
  };
  const threads = (input: (i: number) => ThreadInput, n = 1): Run => {
    return async (c, i) => {
      const base = input(i);
      let cursor: string | undefined;
      for (let p = 1; p < n; p++)
        cursor = (await c.threads.list({ ...base, cursor })).nextCursor ?? undefined;
      return { timed: async () => (await c.threads.list({ ...base, cursor })).items.length };
    };
  };
  const once = (fn: (c: Caller, i: number) => Promise<number>): Run => {
    return (c, i) => Promise.resolve({ timed: () => fn(c, i) });
  };

  return [
    { name: 'messages.list', run: list(() => ({ limit: PAGE })) },
    { name: 'messages.list to', run: list((i) => ({ limit: PAGE, to: pick(LISTENERS, i) })) },
    { name: 'messages.list from', run: list((i) => ({ limit: PAGE, from: pick(everyone, i) })) },
    {
      name: 'messages.list participant',
      run: list((i) => ({ limit: PAGE, participant: pick(everyone, i) })),
    },
    { name: 'messages.list state', run: list((i) => ({ limit: PAGE, state: pick(states, i) })) },
    { name: 'messages.list root', run: list((i) => ({ limit: PAGE, root: pick(roots, i) })) },
    { name: 'messages.list errorCode', run: list((i) => ({ limit: PAGE, errorCode: pick(codes, i) })) },
    { name: 'messages.list time range', run: list(() => ({ limit: PAGE, ...window() })) },
    {
      name: 'messages.list to + state',
      run: list((i) => ({ limit: PAGE, to: pick(LISTENERS, i), state: pick(states, i >> 2) })),
    },
    {
      name: 'messages.list from + root',
      run: list((i) => ({ limit: PAGE, from: pick(LISTENERS, i), root: pick(roots, i * 7) })),
    },
    {
      name: 'messages.list route (from + to)',
      run: list((i) => ({ limit: PAGE, from: pick(everyone, i), to: pick(LISTENERS, i * 3 + 1) })),
    },
    {
      name: 'messages.list participant + state',
      run: list((i) => ({ limit: PAGE, participant: pick(everyone, i), state: pick(states, i >> 2) })),
    },
    {
      name: 'messages.list to + errorCode + time',
      run: list((i) => ({ limit: PAGE, to: pick(LISTENERS, i), errorCode: pick(codes, i), ...window() })),
    },
    {
      name: 'messages.list state + time range',
      run: list((i) => ({ limit: PAGE, state: pick(states, i), ...window() })),
    },
    {
      name: 'messages.list page 2',
      run: nthPage(2, () => ({ limit: PAGE, until: info.now - rand() * HOUR })),
    },
    {
      name: 'messages.list page 10',
      run: nthPage(10, () => ({ limit: PAGE, until: info.now - rand() * 20 * HOUR })),
    },
    { name: 'messages.list to, page 2', run: nthPage(2, (i) => ({ limit: PAGE, to: pick(LISTENERS, i) })) },
    {
      name: 'messages.list state, page 10',
      run: nthPage(10, (i) => ({ limit: PAGE, state: pick(['ACKED', 'FAILED'] as const, i) })),
    },
    {
      name: 'messages.list participant, page 10',
      run: nthPage(10, (i) => ({ limit: PAGE, participant: pick(everyone, i) })),
    },
    {
      name: 'journal.list FAILED (overview)',
      run: once(async (c) => (await c.journal.list({ state: 'FAILED', limit: 8 })).items.length),
    },
    { name: 'threads.list', run: threads(() => ({ limit: PAGE })) },
    {
      name: 'threads.list status',
      run: threads((i) => ({ limit: PAGE, status: pick(['active', 'failed', 'completed'] as const, i) })),
    },
    {
      name: 'threads.list participant',
      run: threads((i) => ({ limit: PAGE, participant: pick(everyone, i) })),
    },
    {
      name: 'threads.list status + participant',
      run: threads((i) => ({
        limit: PAGE,
        status: pick(['failed', 'completed', 'active'] as const, i),
        participant: pick(everyone, i >> 1),
      })),
    },
    { name: 'threads.list page 2', run: threads(() => ({ limit: PAGE }), 2) },
    {
      name: 'threads.list status, page 2',
      run: threads((i) => ({ limit: PAGE, status: pick(['failed', 'completed'] as const, i) }), 2),
    },
    {
      name: 'threads.byId',
      run: once(async (c, i) => (await c.threads.byId({ id: pick(sample.threads, i) })).messages.length),
    },
    {
      name: 'messages.byId',
      run: once(async (c, i) => {
        await c.messages.byId({ id: pick(sample.messages, i) });
        return 1;
      }),
    },
    {
      name: 'journal.stats',
      run: once(async (c) => {
        await c.journal.stats();
        return 1;
      }),
    },
    {
      name: 'organism.status',
      run: once(async (c) => {
        await c.organism.status();
        return 1;
      }),
    },
    {
      name: 'events catch-up (500 transitions)',
      run: once(async (_c, i) => (await engine.routedTransitions(pick(sample.seqs, i), 500)).length),
    },
    {
      name: 'journal.retryMany dry run',
      run: once(async (c, i) => {
        const filters = [{}, { to: pick(LISTENERS, i) }, { errorCode: pick(names(FAILURE_CODES), i) }];
        return (await c.journal.retryMany({ filter: pick(filters, i), dryRun: true })).count;
      }),
    },
    {
      name: 'journal.deadLetters',
      run: once(async (c) => (await c.journal.deadLetters({})).groups.length),
    },
    {
      name: 'journal.latestFailures',
      run: once(async (c) => (await c.journal.latestFailures({ limit: 8 })).length),
    },
    {
      name: 'journal.deadLetters to / errorCode',
      run: once(async (c, i) => {
        const input = [
          { to: pick(LISTENERS, i) },
          { errorCode: pick(codes, i) },
          { to: pick(['payments', 'fraud'], i), errorCode: pick(names(FAILURE_CODES), i) },
        ];
        return (await c.journal.deadLetters(pick(input, i))).groups.length;
      }),
    },
    {
      name: 'organism.find message id prefix',
      run: once(
        async (c, i) =>
          (await c.organism.find({ q: pick(sample.messages, i).slice(0, 4 + (i % 5)) })).messages.length,
      ),
    },
    {
      name: 'organism.find thread id prefix',
      run: once(
        async (c, i) =>
          (await c.organism.find({ q: pick(sample.threads, i).slice(0, 4 + (i % 5)) })).threads.length,
      ),
    },
    {
      name: 'organism.find listener name',
      run: once(
        // The bench organism's listeners (sink, hop1…4, system.*), not the seeded names: find asks the pump.
        async (c, i) => (await c.organism.find({ q: pick(['sin', 'hop', 'system.'], i) })).listeners.length,
      ),
    },
    {
      name: `listeners.routes (${routeCount} routes, busy 1 h)`,
      run: once((_c, i) => Promise.resolve(tracker.routes(pick([10, 60, 300, 900, 3600], i)).routes.length)),
    },
  ];
}

function names(t: readonly (readonly [string, number])[]): string[] {
  return t.map(([n]) => n);
}

async function measure(caller: Caller, c: Case): Promise<Figure> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const { timed } = await c.run(caller, i);
    const t0 = performance.now();
    rows += await timed();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { name: c.name, p50: q(0.5), p95: q(0.95), max: times.at(-1)!, rows: rows / RUNS };
}

function line(f: Figure): void {
  const ms = (x: number): string => x.toFixed(1).padStart(8);
  console.log(
    `${f.name.padEnd(40)}${ms(f.p50)}${ms(f.p95)}${ms(f.max)}${f.rows.toFixed(0).padStart(8)}   ${f.p95 <= AIM_MS ? 'pass' : 'FAIL'}`,
  );
}

function header(): void {
  console.log(
    `${'query'.padEnd(40)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'max ms'.padStart(8)}${'rows'.padStart(8)}   ≤${AIM_MS} ms`,
  );
}

/**
 * Message ids, thread ids and transition sequence numbers to look up, spread over the whole journal,
 * read from the seeded SQLite file (the PostgreSQL copy holds the same rows, in the same order).
 */
export function sampleIds(file: string, seed: SeedInfo): Sample {
  const db = openDatabase(file, 'fast', { engineLock: false });
  try {
    const r = prng(7);
    const max = (db.sqlite.prepare('SELECT max(rowid) AS n FROM messages').get() as { n: number }).n;
    const byRowid = db.sqlite.prepare(
      'SELECT id, thread_id AS threadId FROM messages WHERE rowid >= ? LIMIT 1',
    );
    const messages: string[] = [];
    const threads: string[] = [];
    while (messages.length < RUNS) {
      const row = byRowid.get(1 + Math.floor(r() * max)) as { id: string; threadId: string | null };
      messages.push(row.id);
      if (row.threadId) threads.push(row.threadId);
    }
    const seqs = Array.from({ length: RUNS }, () => Math.floor(r() * seed.transitions));
    return { messages, threads, seqs };
  } finally {
    db.close();
  }
}

function context(e: Engine): ApiContext {
  return {
    engine: e,
    store: e.openOperatorStore(),
    limiter: new LoginLimiter(),
    refusals: new RefusalAudit(),
    log: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
    user: { id: 'bench', name: 'bench', role: 'operator', createdAt: 0 },
    sessionToken: undefined,
    req: {} as ApiContext['req'],
    res: {} as ApiContext['res'],
  };
}

/**
 * listeners.routes answers from the engine's RouteTracker, in memory, fed by engine events since the
 * start, not from the journal; the seeded engine is not running, so the tracker is fed here: every
 * route of the seeded organism (each sender to each listener) busy every second for an hour, the most
 * it keeps.
 */
function busyRoutes(): { tracker: RouteTracker; routeCount: number } {
  const events = new EngineEvents();
  let clock = Date.now() - 3_600_000;
  const tracker = new RouteTracker(events, () => clock);
  const senders = [...LISTENERS, ...names(PRODUCERS)];
  let routeCount = 0;
  for (const from of senders) for (const to of LISTENERS) if (from !== to) routeCount++;
  for (let s = 0; s < 3_600; s++, clock += 1_000) {
    for (const from of senders) {
      for (const to of LISTENERS) {
        if (from === to) continue;
        events.emit(() => ({
          type: 'message.received',
          at: clock,
          messageId: 'm',
          threadId: 't',
          from,
          to,
          root: 'r',
          attempt: 1,
          waitedMs: 0,
        }));
      }
    }
  }
  return { tracker, routeCount };
}
