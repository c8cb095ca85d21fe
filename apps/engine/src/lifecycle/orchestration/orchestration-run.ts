import type { MessageId, ThreadId } from '@organism/shared';
import type { OrchestrationRow } from '../../journal/orchestrations/orchestration-store.ts';
import type { DeliveryKind } from '../../pump/delivery.ts';
import type { BufferSpec, SequenceSpec } from '../../pump/system/start-readers.ts';
import type { ItemResult } from './orchestration-xml.ts';

/**
 * One run of system.sequence or system.buffer as the orchestrator works on it: what it was asked, how
 * far it got and its outbox (orchestrator.ts), read from and written to its row; and its progress as
 * operators see it (`threads.orchestrations`).
 */

/** A message an orchestrator is about to send: written down (its outbox) before it is sent. */
export interface Send {
  from: string;
  to: string;
  threadId: ThreadId;
  chain: string[];
  kind: DeliveryKind;
  parentId: MessageId;
  id: MessageId;
  payloadXml: string;
  /** What it is: a step's input, an item, or the run's result. */
  purpose: { step: number } | { item: number } | { result: true };
}

export interface SequenceState {
  index: number;
  /** The step that ended it with a SequenceError (failed, refused, unknown or late). */
  failedAt?: number;
  /** The forward the current step answers. */
  awaiting: MessageId | null;
  outbox: Send[];
}

export interface BufferState {
  next: number;
  /** Each item's thread, once sent. */
  threads: (string | null)[];
  /** Item index by the forward that carries it. */
  inFlight: Record<string, number>;
  results: (ItemResult | null)[];
  outbox: Send[];
}

export type Run =
  | { row: OrchestrationRow; kind: 'sequence'; spec: SequenceSpec; state: SequenceState }
  | { row: OrchestrationRow; kind: 'buffer'; spec: BufferSpec; state: BufferState };

/** A run's progress, as the thread page shows it. */
export type RunProgress = {
  id: string;
  status: 'running' | 'done';
  deadline: number | null;
  createdAt: number;
  updatedAt: number;
} & (
  | {
      kind: 'sequence';
      returnTo: string;
      /** Each step with where it stands. */
      steps: { name: string; state: 'done' | 'running' | 'failed' | 'waiting' | 'skipped' }[];
    }
  | {
      kind: 'buffer';
      returnTo: string;
      target: string;
      collect: boolean;
      concurrency: number;
      items: { thread: string | null; state: 'waiting' | 'running' | 'succeeded' | 'failed' | 'missing' }[];
    }
);

export function progressOf(run: Run): RunProgress {
  const base = {
    id: run.row.id,
    status: run.row.status,
    deadline: run.row.deadline,
    createdAt: run.row.createdAt,
    updatedAt: run.row.updatedAt,
  };
  if (run.kind === 'sequence') {
    const { index, failedAt } = run.state;
    const running = run.row.status === 'running';
    return {
      ...base,
      kind: 'sequence',
      returnTo: run.spec.returnTo,
      steps: run.spec.steps.map((name, i) => ({
        name,
        state:
          failedAt !== undefined
            ? i < failedAt
              ? 'done'
              : i === failedAt
                ? 'failed'
                : 'skipped'
            : i < index || !running
              ? 'done'
              : i === index
                ? 'running'
                : 'waiting',
      })),
    };
  }
  const { results, inFlight } = run.state;
  const running = new Set(Object.values(inFlight));
  return {
    ...base,
    kind: 'buffer',
    returnTo: run.spec.returnTo,
    target: run.spec.target,
    collect: run.spec.collect,
    concurrency: run.spec.concurrency,
    items: run.spec.items.map((_, i) => {
      const r = results[i];
      return {
        thread: run.state.threads?.[i] ?? null,
        state: r
          ? r.success
            ? 'succeeded'
            : r.missing
              ? 'missing'
              : 'failed'
          : running.has(i)
            ? 'running'
            : 'waiting',
      };
    }),
  };
}

export function parse(row: OrchestrationRow): Run {
  const run: Run =
    row.kind === 'sequence'
      ? {
          row,
          kind: 'sequence',
          spec: JSON.parse(row.spec) as SequenceSpec,
          state: JSON.parse(row.state) as SequenceState,
        }
      : {
          row,
          kind: 'buffer',
          spec: JSON.parse(row.spec) as BufferSpec,
          state: JSON.parse(row.state) as BufferState,
        };
  for (const s of run.state.outbox) readBack.add(s);
  return run;
}

/** The outbox messages read back from a run's row (see `mayHaveBeenSent`). */
const readBack = new WeakSet<Send>();

/**
 * Whether a message of an outbox may have been sent already: one read back from the run's row was
 * written before a crash, or before a send or write that failed, and the journal is asked. One put in
 * the outbox since has an id made then, and only its run's flush sends it.
 */
export function mayHaveBeenSent(s: Send): boolean {
  return readBack.has(s);
}

export function awaitedBy(run: Run): string[] {
  if (run.kind === 'sequence') return run.state.awaiting ? [run.state.awaiting] : [];
  return Object.keys(run.state.inFlight);
}
