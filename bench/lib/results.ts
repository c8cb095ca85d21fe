/**
 * The results file of a bench run: `{ runId, limits: {name: perSecond}, figures: {name: {value, unit,
 * limit, ratio}} }`, merged into by each script of the run in turn (they run as separate processes).
 *
 * A run is named by BENCH_RUN_ID (set by `all.ts` for every script it starts): scripts of the same run
 * merge into one file (BENCH_RESULTS, default results/latest.json), and each reads the limits the first
 * one measured. A script run alone (no BENCH_RUN_ID) starts a run of its own, measures the limits it
 * needs, and writes results/<script>.json (git-ignored) unless BENCH_RESULTS names a file: a single
 * script never overwrites the full run's latest.json, and figures of two runs are never mixed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  value: number;
  unit: string;
  /** The name of the limit (in `limits`) the ratio is taken against, measured in the same run. */
  limit: string | null;
  /** value ÷ the limit's value; null for figures without a limit (latencies, memory). */
  ratio: number | null;
  /** Ratios to other limits of the same run worth seeing beside it. */
  also?: Record<string, number>;
  /** The aim for this figure, in words. */
  aim?: string;
}

export interface Results {
  runId: string;
  startedAt: string;
  updatedAt: string;
  machine: { node: string; cpus: number; cpuModel: string; loadavgAtStart: number[] };
  /** Load average (1 min) when each script of the run finished. */
  load: Record<string, number>;
  limits: Record<string, number>;
  figures: Record<string, Figure>;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export class Recorder {
  readonly path: string;
  readonly runId: string;
  /** Whether this script started the run (so it must measure the limits it uses). */
  readonly alone: boolean;

  constructor(readonly script: string) {
    const given = process.env.BENCH_RUN_ID;
    this.alone = !given;
    this.runId = given ?? `${new Date().toISOString()}-${script}`;
    this.path =
      process.env.BENCH_RESULTS ?? `${RESULTS_DIR}${given ? 'latest' : basename(script, '.bench')}.json`;
    const current = this.read();
    if (current?.runId !== this.runId) this.write(fresh(this.runId));
  }

  /** The run's results as they are in the file now. */
  read(): Results | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Results;
    } catch {
      return undefined;
    }
  }

  /** A limit measured earlier in this run, if any. */
  limit(name: string): number | undefined {
    return this.read()?.limits[name];
  }

  recordLimit(name: string, perSecond: number): void {
    this.update((r) => {
      r.limits[name] = round(perSecond);
    });
  }

  /** Records a figure; with a limit name, its ratio to that limit of this run (which must be recorded). */
  figure(
    name: string,
    value: number,
    unit: string,
    opts: { limit?: string; also?: string[]; aim?: string } = {},
  ): Figure {
    let out: Figure | undefined;
    this.update((r) => {
      const ratioTo = (limit: string): number => {
        const v = r.limits[limit];
        if (v === undefined) throw new Error(`limit ${limit} was not measured in this run`);
        return round(value / v, 4);
      };
      const also = opts.also?.length ? Object.fromEntries(opts.also.map((l) => [l, ratioTo(l)])) : undefined;
      out = {
        value: round(value),
        unit,
        limit: opts.limit ?? null,
        ratio: opts.limit ? ratioTo(opts.limit) : null,
        ...(also ? { also } : {}),
        ...(opts.aim ? { aim: opts.aim } : {}),
      };
      r.figures[name] = out;
    });
    if (!out) throw new Error('unreachable');
    return out;
  }

  /** Notes the load average as the script ends. */
  done(): void {
    this.update((r) => {
      r.load[this.script] = round(loadavg()[0] ?? 0, 2);
    });
    console.log(`results: ${this.path} (run ${this.runId}, load average ${loadavg()[0]?.toFixed(2)})`);
  }

  private update(change: (r: Results) => void): void {
    const r = this.read() ?? fresh(this.runId);
    change(r);
    r.updatedAt = new Date().toISOString();
    this.write(r);
  }

  private write(r: Results): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${formatJson(r)}\n`);
    renameSync(tmp, this.path);
  }
}

/** JSON as Prettier writes it (the file is committed and checked): arrays of numbers on one line. */
function formatJson(r: Results): string {
  return JSON.stringify(r, null, 2).replace(
    /\[\n\s*([-\d.,\s]*?)\n\s*\]/g,
    (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
}

function fresh(runId: string): Results {
  const now = new Date().toISOString();
  return {
    runId,
    startedAt: now,
    updatedAt: now,
    machine: {
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadavgAtStart: loadavg().map((l) => round(l, 2)),
    },
    load: {},
    limits: {},
    figures: {},
  };
}

/** Whole numbers from 1,000 up, `digits` decimals from 1, three significant digits below 1. */
function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  if (Math.abs(n) >= 1000) return Math.round(n);
  if (Math.abs(n) >= 1) {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
  }
  return Number(n.toPrecision(3));
}
