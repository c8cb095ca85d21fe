import type { MessageId, QName, ThreadId } from '@organism/shared';
import { canonicalToObject } from '../xml/canonical-to-object.ts';
import { readBufferStart, readSequenceStart } from './system/start-readers.ts';
import type { Delivery, DispatchFailure } from './delivery.ts';
import type { HandlerContext, Listener } from './listener.ts';
import { isThenable } from './is-thenable.ts';
import { FORWARD_WITH_ID, HandlerError, sendingContext } from './sending-context.ts';
import type { Output, Sender } from './sending-context.ts';
import { journalStack } from './stack-paths.ts';

export type RunResult = { ok: true; outputs: Output[] } | { ok: false; failure: DispatchFailure };

class HandlerTimeout extends Error {}

/**
 * Where an agent's forward goes beyond its peers, in words ("forwarded to …"), or nothing if it does not.
 * A start of system.buffer or system.sequence (`ctx.gather`, `ctx.sequence`, or one the agent wrote)
 * goes where it names: its target or steps and its `returnTo`, each a peer or the agent itself (whose
 * results come back to it, as replies do). A start that cannot be read reaches nobody: the pipeline
 * refuses it against system.xsd (and the orchestrator reads with these same readers).
 */
function beyondPeers(agent: Listener, to: string, xml: string): string | undefined {
  if (to !== 'system.buffer' && to !== 'system.sequence')
    return agent.peers.includes(to) ? undefined : `forwarded to ${JSON.stringify(to)}`;
  const named: string[] = [];
  try {
    if (to === 'system.buffer') {
      const gather = readBufferStart(xml);
      named.push(gather.target, gather.returnTo);
    } else {
      const sequence = readSequenceStart(xml);
      named.push(...sequence.steps, sequence.returnTo);
    }
  } catch {
    return undefined;
  }
  const outside = new Set(named.filter((name) => name && name !== agent.name && !agent.peers.includes(name)));
  return outside.size === 0
    ? undefined
    : `asked ${to} to reach ${[...outside].map((name) => JSON.stringify(name)).join(', ')}`;
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
    const beyond = kind === 'forward' && listener.agent ? beyondPeers(listener, to ?? '', xml) : undefined;
    if (beyond !== undefined) {
      this.violation ??= {
        code: 'PEER_VIOLATION',
        message: 'the handler tried to reach a listener it may not address',
        detail: `agent ${listener.name} ${beyond}; its peers are [${listener.peers.join(', ')}]`,
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
