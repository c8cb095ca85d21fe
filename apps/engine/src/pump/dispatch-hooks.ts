import type { ThreadId } from '@organism/shared';
import type { Delivery, DispatchFailure, PipelineError } from './delivery.ts';
import type { ThreadOutcome } from './thread-registry.ts';

/** What became of a delivery that failed. */
export interface FailureOutcome {
  /** Set when the delivery will run again; the failure is then not final. */
  retryAt?: number;
  /** The SystemError sent back to the caller when the failure is final. */
  outputs: readonly Delivery[];
}

/** A message the pipeline refused: the raw input, why, and whatever the steps learned before failing. */
export interface Rejection {
  raw: string | Uint8Array;
  error: PipelineError;
  from?: string;
  to?: string;
  threadId?: ThreadId;
  root?: string;
  /** The delivery whose handler produced the refused output, when it came from one. */
  parentId?: string;
}

/**
 * Observers of every dispatch, e.g. the journal. A hook may return a promise: the pump then waits
 * for it before telling a producer "accepted" (onIntent) or before releasing outputs (onAcknowledged,
 * onFailed), which is how strict durability reaches producers. Several hooks run in registration order.
 * A hook that fails (throws or rejects) never stops the pump: see `HookChain` for what follows.
 */
export interface DispatchHooks {
  /** New deliveries accepted from outside or from the engine itself (boot). */
  onIntent?(deliveries: readonly Delivery[]): void | Promise<void>;
  /**
   * A delivery's handler is about to run. Not waited on, like onRejected and onThreadComplete (a failure
   * is reported, never thrown), unless it returns a promise: the handler then runs once it resolves, and
   * not at all if it rejects (a redelivery whose start must be durable first: the PostgreSQL journal).
   */
  onDispatched?(delivery: Delivery): void | Promise<void>;
  /** The handler returned; `outputs` (its replies, forwards and egress) are new and PENDING. */
  onAcknowledged?(delivery: Delivery, outputs: readonly Delivery[]): void | Promise<void>;
  onFailed?(delivery: Delivery, failure: DispatchFailure, outcome: FailureOutcome): void | Promise<void>;
  onRejected?(rejection: Rejection): void;
  onThreadComplete?(threadId: ThreadId, outcome: ThreadOutcome): void;
}

export type HookName = keyof DispatchHooks;

/** Told of every hook failure that no caller handles (the fire-and-forget ones). */
export type HookFailureReport = (hook: HookName, err: unknown) => void;

type Args<K extends HookName> = Parameters<NonNullable<DispatchHooks[K]>>;

const nothing = (): void => undefined;

/**
 * The registered hooks, called in order. `call` is for hooks the pump waits on: it always returns a
 * promise that settles after every hook has, rejecting with the first failure. `notify` is for hooks
 * nobody waits on: their failures, thrown or rejected, go to the failure report and nowhere else.
 */
export class HookChain {
  private readonly hooks: DispatchHooks[] = [];

  constructor(private readonly report: HookFailureReport) {}

  get any(): boolean {
    return this.hooks.length > 0;
  }

  add(hooks: DispatchHooks): () => void {
    this.hooks.push(hooks);
    return () => {
      const i = this.hooks.indexOf(hooks);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Calls `name` on every hook and waits for all; rejects with the first failure, after all settled. */
  async call<K extends HookName>(name: K, ...args: Args<K>): Promise<void> {
    const pending = this.invoke(name, args).filter((r) => r !== undefined);
    if (pending.length === 0) return;
    if (pending.length === 1) {
      // One hook (the journal, nearly always): its own outcome is the first failure.
      await pending[0];
      return;
    }
    const results = await Promise.allSettled(pending);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Calls `name` on every hook; when some returned a promise, returns one that settles after them all,
   * rejecting with the first failure (undefined when none did: nothing to wait for). A hook that throws
   * is reported, as by `notify`.
   */
  gate<K extends HookName>(name: K, ...args: Args<K>): Promise<void> | undefined {
    let waits: Promise<unknown>[] | undefined;
    for (const h of this.hooks) {
      const fn = h[name] as ((...a: Args<K>) => unknown) | undefined;
      if (!fn) continue;
      try {
        const r = fn.apply(h, args);
        if (r !== undefined) (waits ??= []).push(Promise.resolve(r));
      } catch (err) {
        this.report(name, err);
      }
    }
    if (!waits) return undefined;
    if (waits.length === 1) return (waits[0] as Promise<unknown>).then(nothing);
    return Promise.allSettled(waits).then((results) => {
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  /** Calls `name` on every hook without waiting; a failure is reported, never thrown. */
  notify<K extends HookName>(name: K, ...args: Args<K>): void {
    for (const r of this.invoke(name, args)) {
      if (r !== undefined) r.catch((err: unknown) => this.report(name, err));
    }
  }

  /** One result per hook that has `name`: a promise when it returned one or threw, else undefined. */
  private invoke<K extends HookName>(name: K, args: Args<K>): (Promise<unknown> | undefined)[] {
    const out: (Promise<unknown> | undefined)[] = [];
    for (const h of this.hooks) {
      const fn = h[name] as ((...a: Args<K>) => unknown) | undefined;
      if (!fn) continue;
      try {
        const r = fn.apply(h, args);
        out.push(r === undefined ? undefined : Promise.resolve(r));
      } catch (err) {
        out.push(Promise.reject(err instanceof Error ? err : new Error(String(err))));
      }
    }
    return out;
  }
}
