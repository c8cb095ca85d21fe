import type { MessageId, QName, ThreadId } from '@organism/shared';
import { canonicalToObject } from '../xml/canonical-to-object.ts';
import { bufferStartXml, sequenceStartXml } from './system/system-payloads.ts';
import type { Delivery, DispatchFailure } from './delivery.ts';
import type { HandlerContext, Listener } from './listener.ts';
import { isThenable } from './is-thenable.ts';
import { newMessageId } from './message-id.ts';
import { journalStack } from './stack-paths.ts';

/** One output a handler asked for, before the pipeline has checked it. */
export interface Output {
  kind: 'reply' | 'forward';
  to: string | undefined;
  xml: string;
  /** The id the output's delivery gets (a forward's, which `ctx.forward` returns). */
  id?: MessageId;
}

export type RunResult = { ok: true; outputs: Output[] } | { ok: false; failure: DispatchFailure };

class HandlerTimeout extends Error {}

/**
 * A context's hidden `forward` that keeps an id chosen elsewhere: an isolated handler's worker gave its
 * forward an id (and the handler may have kept it), which the delivery must then have.
 */
export const FORWARD_WITH_ID = Symbol('forwardWithId');

/**
 * Thrown by a handler to fail the delivery with a message for operators. `retryable: false` says that
 * trying again cannot help (bad input, division by zero): the retry policy is skipped.
 */
export class HandlerError extends Error {
  readonly retryable: boolean;
  constructor(message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'HandlerError';
    this.retryable = opts.retryable ?? true;
  }
}

/** Where a handler's context sends what the handler asks for. */
export interface Sender {
  send(kind: Output['kind'], to: string | undefined, xml: unknown, id?: MessageId): void;
}

/**
 * The sending half of a handler's context over `sender`, the same on the engine's thread and in an
 * isolated handler's worker: reply, forward (returning the id its message gets), gather and sequence;
 * and `returned`, which reads a handler's return value (a string is a reply, unless it is an id
 * `forward` returned, as `(_, ctx) => ctx.forward(…)` returns one; anything else but nothing is an error).
 *
 * Made for every delivery, so its functions are methods, none of which reads `this` (a handler may
 * take `const { reply } = ctx`): the engine's TypeScript runs through tsx, whose esbuild wraps every
 * arrow function assigned to a name in a call that defines its `name`, each time one is made.
 */
export function sendingContext(
  listener: string,
  sender: Sender,
): {
  api: Pick<HandlerContext, 'reply' | 'forward' | 'gather' | 'sequence'>;
  returned: (value: unknown) => void;
} {
  const forwarded = new Set<string>();
  const api: Pick<HandlerContext, 'reply' | 'forward' | 'gather' | 'sequence'> = {
    reply(xml) {
      sender.send('reply', undefined, xml);
    },
    forward(to, xml) {
      const id = newMessageId();
      sender.send('forward', to, xml, id);
      forwarded.add(id);
      return id;
    },
    gather(target, itemsXml, opts = {}) {
      const start = bufferStartXml({ target, items: itemsXml, collect: true, returnTo: listener, ...opts });
      return api.forward('system.buffer', start);
    },
    sequence(steps, payloadXml, opts = {}) {
      return api.forward(
        'system.sequence',
        sequenceStartXml({ steps, payloadXml, returnTo: listener, ...opts }),
      );
    },
  };
  return {
    api,
    returned(value: unknown): void {
      if (typeof value === 'string') {
        if (!forwarded.has(value)) sender.send('reply', undefined, value);
      } else if (value !== undefined && value !== null)
        throw new TypeError(
          `handler returned ${typeof value}; return nothing, or a reply payload as an XML string`,
        );
    },
  };
}

/** One handler's run: what it sent, and its abort signal, made only if the handler looks at it. */
class HandlerRun implements Sender {
  readonly outputs: Output[] = [];
  /** Once the handler has finished: a later send is a programming error. */
  sealed = false;
  violation: DispatchFailure | undefined;
  /** Why the handler's signal is aborted, once it is (its timeout passed): a signal made later starts so. */
  timedOut: HandlerTimeout | undefined;
  // Most handlers never look at their signal, and an AbortController listening on the stop signal per
  // delivery is a cost every message would pay.
  private controller: AbortController | undefined;
  private onStop: (() => void) | undefined;

  constructor(
    private readonly listener: Listener,
    private readonly stopSignal: AbortSignal,
  ) {}

  send(kind: Output['kind'], to: string | undefined, xml: unknown, id?: MessageId): void {
    const listener = this.listener;
    if (this.sealed) throw new Error(`${listener.name}: ctx.${kind}() called after the handler finished`);
    if (typeof xml !== 'string') throw new TypeError(`ctx.${kind}() takes the payload as an XML string`);
    if (kind === 'forward' && listener.agent && !listener.peers.includes(to ?? '')) {
      this.violation ??= {
        code: 'PEER_VIOLATION',
        message: 'the handler tried to reach a listener it may not address',
        detail: `agent ${listener.name} forwarded to ${JSON.stringify(to)}; its peers are [${listener.peers.join(', ')}]`,
      };
      return;
    }
    this.outputs.push({ kind, to, xml, ...(id ? { id } : {}) });
  }

  signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const stop = this.stopSignal;
      if (this.timedOut) controller.abort(this.timedOut);
      else if (stop.aborted) controller.abort(stop.reason);
      else {
        this.onStop = () => controller.abort(stop.reason);
        stop.addEventListener('abort', this.onStop, { once: true });
      }
    }
    return this.controller.signal;
  }

  timeOut(err: HandlerTimeout): void {
    this.timedOut = err;
    this.controller?.abort(err);
  }

  finish(): void {
    this.sealed = true;
    if (this.onStop) this.stopSignal.removeEventListener('abort', this.onStop);
  }
}

/** Where a context keeps its run: a key no handler has. */
const RUN = Symbol('run');

/** A context's `signal`: made when first read, an own property so that `{ ...ctx }` keeps it. */
const SIGNAL: PropertyDescriptor = {
  get(this: DeliveryContext): AbortSignal {
    return this[RUN].signal();
  },
  enumerable: true,
};

/**
 * A handler's context for one delivery. A class, filled field by field: as an object literal with a
 * getter and two spreads it cost about 1.4 µs a delivery, ten times this (bench/NOTES.md). Its
 * functions are `sendingContext`'s, which read no `this`, so `const { reply } = ctx` works; the
 * hidden `FORWARD_WITH_ID` is a method, called on the context.
 */
class DeliveryContext implements HandlerContext {
  readonly [RUN]: HandlerRun;
  readonly threadId: ThreadId;
  readonly messageId: MessageId;
  readonly from: string;
  readonly listener: string;
  readonly attempt: number;
  readonly root: QName;
  readonly payloadXml: string;
  declare readonly signal: AbortSignal;
  declare readonly inReplyTo?: MessageId;
  readonly reply: HandlerContext['reply'];
  readonly forward: HandlerContext['forward'];
  readonly gather: HandlerContext['gather'];
  readonly sequence: HandlerContext['sequence'];

  constructor(
    run: HandlerRun,
    listener: string,
    d: Delivery,
    api: Pick<HandlerContext, 'reply' | 'forward' | 'gather' | 'sequence'>,
  ) {
    this[RUN] = run;
    this.threadId = d.threadId;
    this.messageId = d.id;
    this.from = d.from;
    this.listener = listener;
    this.attempt = d.attempt;
    this.root = d.root;
    this.payloadXml = d.payloadXml;
    Object.defineProperty(this, 'signal', SIGNAL);
    if (d.parentId && (d.kind === 'reply' || d.kind === 'error')) {
      (this as { inReplyTo?: MessageId }).inReplyTo = d.parentId;
    }
    this.reply = api.reply;
    this.forward = api.forward;
    this.gather = api.gather;
    this.sequence = api.sequence;
  }

  [FORWARD_WITH_ID](to: string, xml: string, id: MessageId): void {
    this[RUN].send('forward', to, xml, id);
  }
}

/**
 * Runs one handler under its listener's timeout and collects what it sent. Outputs are held until
 * the handler returns: a handler that throws or times out sends nothing. Peer rules are checked here.
 */
export async function runHandler(
  listener: Listener,
  d: Delivery,
  stopSignal: AbortSignal,
): Promise<RunResult> {
  const run = new HandlerRun(listener, stopSignal);
  const sending = sendingContext(listener.name, run);
  const ctx = new DeliveryContext(run, listener.name, d, sending.api);
  let timer: NodeJS.Timeout | undefined;
  try {
    let returned = listener.handler(canonicalToObject(d.payloadXml as never), ctx);
    if (isThenable(returned)) {
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new HandlerTimeout()), listener.timeoutMs);
      });
      returned = await Promise.race([returned, timeout]);
    }
    sending.returned(returned);
  } catch (err) {
    if (err instanceof HandlerTimeout) {
      run.timeOut(err);
      const detail = `${listener.name} did not finish within ${listener.timeoutMs} ms`;
      return {
        ok: false,
        failure: { code: 'HANDLER_TIMEOUT', message: 'the handler did not answer in time', detail },
      };
    }
    const detail = journalStack(err);
    const retryable = !(err instanceof HandlerError && !err.retryable);
    return {
      ok: false,
      failure: {
        code: 'HANDLER_ERROR',
        message: 'the handler failed',
        detail: `${listener.name}: ${detail}`,
        retryable,
      },
    };
  } finally {
    run.finish();
    clearTimeout(timer);
  }
  if (run.violation) return { ok: false, failure: run.violation };
  return { ok: true, outputs: run.outputs };
}
