import { Worker } from 'node:worker_threads';
import type { MessageId } from '@organism/shared';
import { FORWARD_WITH_ID, HandlerError } from '../../pump/sending-context.ts';
import type { Handler, HandlerContext } from '../../pump/listener.ts';
import type { FromHandlerWorker, ToHandlerWorker } from './isolation-protocol.ts';

const ENTRY = new URL('./handler-worker.mjs', import.meta.url);
/** Old-space limit of one handler worker: a handler that exhausts it fails its run, not the engine. */
export const WORKER_MEMORY_MB = 256;
/** A worker with nothing to do for this long is ended (a reloaded listener's pool empties itself). */
const IDLE_MS = 30_000;

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** The run it is doing, if any. */
  current: { id: number; resolve: (m: FromHandlerWorker) => void; reject: (e: Error) => void } | undefined;
  idle: NodeJS.Timeout | undefined;
  /** Terminated (timeout, out of memory, exit): never used again. */
  dead: boolean;
}

/**
 * A listener's handler in worker threads (`isolate: worker`): at most `size` workers, started when
 * needed, each running one delivery at a time. A run whose timeout passes (the pump aborts its signal)
 * terminates its worker, so a handler that loops forever is stopped; one that exhausts its memory
 * (WORKER_MEMORY_MB) ends its worker the same way. Either fails the run, which is retried per the
 * listener's policy on a fresh worker, and the engine goes on serving.
 */
export class HandlerPool {
  private readonly free: Slot[] = [];
  private readonly waiters: ((s: Slot) => void)[] = [];
  private count = 0;
  private runs = 0;

  constructor(
    private readonly url: string,
    private readonly exportName: string,
    private readonly size: number,
    private readonly name: string,
  ) {}

  /** The handler the pump calls: each run goes to a worker, and its outputs are sent from here. */
  handler(): Handler {
    return async (_payload, ctx) => {
      const slot = await this.acquire();
      // Read here so that the pump makes the signal: its timeout aborts it.
      const signal = ctx.signal;
      const stop = (): void =>
        this.kill(slot, new Error(`${this.name}: its worker was terminated at the run's timeout`));
      signal.addEventListener('abort', stop, { once: true });
      try {
        await slot.ready;
        const result = await this.run(slot, ctx);
        if (result.type === 'failed') {
          const err = new HandlerError(result.message, { retryable: result.retryable });
          if (result.stack) err.stack = result.stack;
          throw err;
        }
        if (result.type !== 'done') throw new Error(`${this.name}: unexpected answer from its worker`);
        // Called on the context, whose method it is.
        const withId = ctx as unknown as {
          [FORWARD_WITH_ID]?: (to: string, xml: string, id: MessageId) => void;
        };
        for (const o of result.outputs) {
          if (o.kind === 'reply') ctx.reply(o.xml);
          else if (o.id && withId[FORWARD_WITH_ID]) withId[FORWARD_WITH_ID](o.to ?? '', o.xml, o.id);
          else ctx.forward(o.to ?? '', o.xml);
        }
      } finally {
        signal.removeEventListener('abort', stop);
        if (!slot.dead) this.release(slot);
      }
    };
  }

  /**
   * Starts one worker and waits for the handler to load in it: a module that throws as it loads, or has
   * no such function, is refused when the organism loads (check, run, a reload), not at every delivery.
   * Its code runs in that worker, never on the engine's thread. The worker stays, idle, for the first run.
   * A refusal's `cause` is the worker's own words (the module's error).
   */
  async warm(): Promise<void> {
    const slot = await this.acquire();
    await slot.ready;
    this.release(slot);
  }

  /** Ends every worker (a listener removed or replaced, the engine stopping). */
  close(): void {
    for (const s of [...this.free]) this.retire(s);
  }

  private run(slot: Slot, ctx: HandlerContext): Promise<FromHandlerWorker> {
    const id = ++this.runs;
    return new Promise((resolve, reject) => {
      slot.current = { id, resolve, reject };
      const message: ToHandlerWorker = {
        type: 'run',
        id,
        payloadXml: ctx.payloadXml,
        ctx: {
          threadId: ctx.threadId,
          messageId: ctx.messageId,
          from: ctx.from,
          listener: ctx.listener,
          attempt: ctx.attempt,
          root: ctx.root,
          ...(ctx.inReplyTo ? { inReplyTo: ctx.inReplyTo } : {}),
        },
      };
      slot.worker.postMessage(message);
    });
  }

  private acquire(): Promise<Slot> {
    const free = this.free.pop();
    if (free) {
      clearTimeout(free.idle);
      return Promise.resolve(free);
    }
    if (this.count < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiters.shift();
    if (next) return next(slot);
    slot.idle = setTimeout(() => this.retire(slot), IDLE_MS);
    slot.idle.unref();
    this.free.push(slot);
  }

  private retire(slot: Slot): void {
    this.kill(slot, new Error(`${this.name}: its worker was idle`));
  }

  private spawn(): Slot {
    this.count++;
    const worker = new Worker(ENTRY, {
      name: `organism-handler ${this.name}`,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_MEMORY_MB },
    });
    worker.unref();
    const slot: Slot = { worker, ready: Promise.resolve(), current: undefined, idle: undefined, dead: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onLoad = (m: FromHandlerWorker): void => {
        if (m.type === 'loaded') resolve();
        else if (m.type === 'load-failed')
          reject(
            new Error(`${this.name}: its module failed to load in a worker: ${m.message}`, {
              cause: m.message,
            }),
          );
        else return;
        worker.off('message', onLoad);
      };
      worker.on('message', onLoad);
    });
    // A module that does not load in a worker fails the run; the worker is not used again.
    slot.ready.catch((err: Error) => this.kill(slot, err));
    worker.on('message', (m: FromHandlerWorker) => {
      if ((m.type === 'done' || m.type === 'failed') && slot.current?.id === m.id) {
        const { resolve } = slot.current;
        slot.current = undefined;
        resolve(m);
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const why =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `${this.name}: the handler ran out of memory in its worker (limit ${WORKER_MEMORY_MB} MB)`
          : `${this.name}: its worker failed: ${err.message}`;
      this.kill(slot, new Error(why));
    });
    worker.on('exit', () => this.kill(slot, new Error(`${this.name}: its worker exited`)));
    const load: ToHandlerWorker = { type: 'load', url: this.url, exportName: this.exportName };
    worker.postMessage(load);
    return slot;
  }

  /** Ends a worker and fails the run it had; a run waiting for a worker gets a new one. */
  private kill(slot: Slot, why: Error): void {
    const current = slot.current;
    slot.current = undefined;
    current?.reject(why);
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.idle);
    const i = this.free.indexOf(slot);
    if (i >= 0) this.free.splice(i, 1);
    void slot.worker.terminate();
    this.count--;
    const next = this.waiters.shift();
    if (next) next(this.spawn());
  }
}
