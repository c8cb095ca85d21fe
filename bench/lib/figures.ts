/** Shared printing for the benchmarks: every figure beside the physical limit it is measured against. */
import type { Recorder } from './results.ts';
import { cpuMs } from './proc-stat.ts';

/**
 * Records a figure in the run's results and prints it beside the limit it is measured against (a limit
 * of the same run, lib/limits.ts), its ratio to that limit and to the `also` limits, and its aim.
 */
export function report(
  rec: Recorder,
  key: string,
  label: string,
  value: number,
  unit: string,
  opts: { limit?: string; also?: string[]; aim?: string } = {},
): void {
  const f = rec.figure(key, value, unit, opts);
  const limits = rec.read()?.limits ?? {};
  const parts: string[] = [];
  if (opts.limit && f.ratio !== null)
    parts.push(`${pct(f.ratio)} of ${opts.limit} (${fmt(limits[opts.limit] ?? NaN)}/s)`);
  for (const [l, r] of Object.entries(f.also ?? {})) parts.push(`${pct(r)} of ${l}`);
  if (opts.aim) parts.push(`aim ${opts.aim}`);
  console.log(`${label.padEnd(48)} ${num(value).padStart(10)} ${unit}  ${parts.join(' · ')}`);
}

/** The middle of `xs` (the upper one of the two middles when there are as many on each side); NaN for none. */
/** How long a served engine (`serving`) stands idle before its throughput is measured: its writer thread starts. */
export const SERVING_READY_MS = 1_500;

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}

/** Whole numbers with separators (from 100 up, or when whole), two decimals below. */
export function num(n: number): string {
  return Math.abs(n) >= 100 || Number.isInteger(n) ? fmt(n) : n.toFixed(2);
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A ~1 KB record payload (urn:organism:bench), numbered so each message differs. */
export function recordXml(i: number): string {
  const items = Array.from(
    { length: 9 },
    (_, k) =>
      `<item><sku>sku-${k}</sku><qty>${k + 1}</qty><note>note for item ${k} of record ${i}</note></item>`,
  ).join('');
  return `<record xmlns="urn:organism:bench"><id>${i + 1}</id>${items}</record>`;
}

export function envelopeXml(to: string, i: number): string {
  return `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>bench</from><to>${to}</to></meta>${recordXml(i)}</message>`;
}

/** What the closed-loop throughput runs drive: the pump itself, or the engine's facade. */
export interface Submitter {
  submit(xml: string): Promise<{ ok: true } | { ok: false; error: { message: string } }>;
  whenQuiet(): Promise<void>;
}

/**
 * Messages per second through `target`: `producers` loops each submitting the next of `messages` as
 * soon as their last was accepted, `n` in all, until every thread is done. A warm-up of 2,000 first.
 */
export async function closedLoop(
  target: Submitter,
  messages: readonly string[],
  n: number,
  producers: number,
): Promise<number> {
  return (await closedLoopCpu(target, messages, n, producers)).rate;
}

/** A closed-loop run's rate, and the CPU a message it cost this process: in all, and its main thread. */
export interface LoopCpu {
  rate: number;
  /** Every thread of this process (the engine's, the journal's writer and checkpointer, V8's), µs. */
  cpuPerMsg: number;
  /** This process's main thread alone (the engine's, and the producers'), µs. */
  mainThreadCpuPerMsg: number;
}

/** `closedLoop`, with the CPU the counted run cost this process (not the warm-up's). */
export async function closedLoopCpu(
  target: Submitter,
  messages: readonly string[],
  n: number,
  producers: number,
): Promise<LoopCpu> {
  const run = async (count: number): Promise<number> => {
    const t0 = performance.now();
    let next = 0;
    const producer = async (): Promise<void> => {
      while (next < count) {
        const res = await target.submit(messages[next++ % messages.length] ?? '');
        if (!res.ok) throw new Error(res.error.message);
      }
    };
    await Promise.all(Array.from({ length: producers }, producer));
    await target.whenQuiet();
    return (count / (performance.now() - t0)) * 1000;
  };
  await run(2_000);
  const cpu0 = process.cpuUsage();
  const main0 = cpuMs(process.pid, process.pid);
  const rate = await run(n);
  const cpu = process.cpuUsage(cpu0);
  const mainMs = cpuMs(process.pid, process.pid) - main0;
  return { rate, cpuPerMsg: (cpu.user + cpu.system) / n, mainThreadCpuPerMsg: (mainMs * 1000) / n };
}
