import type { MessageId, QName, ThreadId } from '@organism/shared';
import type { CompiledSchema, PayloadXPath, XmlValue } from '../xml/index.ts';

/** What a handler receives beside its payload. `from` and `threadId` are always set by the pump. */
export interface HandlerContext {
  readonly threadId: ThreadId;
  readonly messageId: MessageId;
  /** The listener that sent this message (or the external producer's name). */
  readonly from: string;
  /** The listener running this handler. */
  readonly listener: string;
  /** 1 on first delivery; higher on a retry or a redelivery after a crash: handlers can be idempotent. */
  readonly attempt: number;
  /** Namespace-qualified root of the payload, `{ns}local`. */
  readonly root: QName;
  /** The payload as canonical XML. */
  readonly payloadXml: string;
  /** Aborted when the handler's timeout passes or the engine stops. */
  readonly signal: AbortSignal;
  /**
   * For a reply or a SystemError: the id of the message it answers, which is what `forward` returned
   * when this listener sent it. Undefined for a request.
   */
  readonly inReplyTo?: MessageId;
  /**
   * Answers the caller: the reply goes back along the call chain. This and the other functions of the
   * context read no `this`: `const { reply } = ctx` works.
   */
  reply(this: void, payloadXml: string): void;
  /**
   * Sends a payload to another listener, extending the call chain. Agents may only reach their peers.
   * Returns the id the message will have (if the handler's run succeeds and the message is sent): its
   * reply carries it as `inReplyTo`.
   */
  forward(this: void, to: string, payloadXml: string): MessageId;
  /**
   * Fans `itemsXml` out to `target` through system.buffer, each item on a thread of its own, and has
   * every result come back to this listener as one BufferComplete (results in item order, a success
   * flag each), whose `inReplyTo` is the id this returns. A shorthand for forwarding a BufferStart.
   */
  gather(
    this: void,
    target: string,
    itemsXml: readonly string[],
    opts?: { concurrency?: number; timeoutMs?: number },
  ): MessageId;
  /**
   * Runs `steps` in order through system.sequence, each step's reply the next one's input, and has the
   * SequenceComplete (or SequenceError) come back to this listener, with `inReplyTo` the id this returns.
   */
  sequence(
    this: void,
    steps: readonly string[],
    payloadXml: string,
    opts?: { stepTimeoutMs?: number },
  ): MessageId;
}

/**
 * A handler: `async (payload, ctx)`. Returning nothing ends the thread here (unless it called
 * `ctx.reply` / `ctx.forward`); returning a string is the same as `ctx.reply(string)`.
 */
export type Handler = (payload: XmlValue, ctx: HandlerContext) => Promise<string | void> | string | void;

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A listener ready to run: contract compiled, handler resolved. */
export interface Listener {
  readonly name: string;
  readonly description: string;
  readonly schema: CompiledSchema;
  /**
   * The request roots this listener takes by broadcast, in Clark notation. Addressed messages (`to`)
   * may carry any global element of `schema`, so a caller's XSD also declares the replies it expects.
   */
  readonly roots: readonly QName[];
  /**
   * The listener's `filter`: a message whose root is one of `roots` reaches it only when this is true
   * of its payload (pipeline step 8). Replies and errors addressed to it are not filtered.
   */
  readonly filter?: PayloadXPath;
  /**
   * Takes a message of any root addressed to it: an orchestrator (`system.sequence`, `system.buffer`)
   * receives whatever its steps answer. Such a payload is neither checked against its roots nor
   * validated here (the next listener's contract validates it); its own elements still are.
   */
  readonly acceptsAnyReply?: boolean;
  readonly handler: Handler;
  readonly agent: boolean;
  readonly peers: readonly string[];
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
}

/**
 * A listener that is only routed to, never run: the pipeline's steps need its name, roots and
 * contract (an intake worker's copy of the routing table, tests of the steps).
 */
export function routedOnly(
  name: string,
  schema: CompiledSchema,
  roots: readonly QName[],
  filter?: PayloadXPath,
  acceptsAnyReply = false,
): Listener {
  return {
    name,
    description: '',
    schema,
    roots,
    ...(filter ? { filter } : {}),
    ...(acceptsAnyReply ? { acceptsAnyReply } : {}),
    handler: () => undefined,
    agent: false,
    peers: [],
    timeoutMs: 0,
    concurrency: 1,
    retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
  };
}
