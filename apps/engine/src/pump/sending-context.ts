import type { MessageId } from '@organism/shared';
import { bufferStartXml, sequenceStartXml } from './system/system-payloads.ts';
import type { HandlerContext } from './listener.ts';
import { newMessageId } from './message-id.ts';

// What a handler's context is made of, the same on the engine's thread (handler-run.ts) and in an
// isolated handler's worker, and what handlers import (handler-kit.ts): nothing here loads libxml2-wasm,
// which costs a thread about 170 MB (test/lifecycle/worker-modules.test.ts).

/** One output a handler asked for, before the pipeline has checked it. */
export interface Output {
  kind: 'reply' | 'forward';
  to: string | undefined;
  xml: string;
  /** The id the output's delivery gets (a forward's, which `ctx.forward` returns). */
  id?: MessageId;
}

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
