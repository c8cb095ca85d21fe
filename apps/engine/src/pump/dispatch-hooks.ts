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
 */
export interface DispatchHooks {
  /** New deliveries accepted from outside or from the engine itself (boot). */
  onIntent?(deliveries: readonly Delivery[]): void | Promise<void>;
  onDispatched?(delivery: Delivery): void;
  /** The handler returned; `outputs` (its replies, forwards and egress) are new and PENDING. */
  onAcknowledged?(delivery: Delivery, outputs: readonly Delivery[]): void | Promise<void>;
  onFailed?(delivery: Delivery, failure: DispatchFailure, outcome: FailureOutcome): void | Promise<void>;
  onRejected?(rejection: Rejection): void;
  onThreadComplete?(threadId: ThreadId, outcome: ThreadOutcome): void;
}

type HookName = keyof DispatchHooks;

/** The registered hooks, called in order; `any` is false when none is registered so callers skip the work. */
export class HookChain {
  private readonly hooks: DispatchHooks[] = [];

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

  /** Calls `name` on every hook; resolves when any returned promises have, or returns undefined at once. */
  call<K extends HookName>(
    name: K,
    ...args: Parameters<NonNullable<DispatchHooks[K]>>
  ): Promise<void> | undefined {
    let pending: Promise<unknown>[] | undefined;
    for (const h of this.hooks) {
      const fn = h[name] as ((...a: typeof args) => unknown) | undefined;
      const r = fn?.apply(h, args);
      if (r instanceof Promise) (pending ??= []).push(r);
    }
    return pending ? Promise.all(pending).then(() => undefined) : undefined;
  }
}
