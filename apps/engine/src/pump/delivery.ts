import type { EngineErrorCode, MessageId, Problem, QName, ThreadId } from '@organism/shared';

/** How a message came to be: from outside, as a handler's output, as an error report, or at boot. */
export type DeliveryKind = 'ingress' | 'reply' | 'forward' | 'error' | 'boot';

/**
 * One delivery of one message to one listener: the unit the dispatcher queues and the journal records.
 * Everything here is plain data, so a journal can store it and hand it back after a crash.
 */
export interface Delivery {
  readonly id: MessageId;
  readonly threadId: ThreadId;
  readonly from: string;
  readonly to: string;
  /**
   * The private call chain: who is waiting for an answer, innermost last (for a forward, that is
   * `from`). A reply goes to the last hop and drops it. Never shown to handlers or senders.
   */
  readonly chain: readonly string[];
  readonly root: QName;
  /** The payload in exclusive canonical form. */
  readonly payloadXml: string;
  readonly kind: DeliveryKind;
  readonly parentId?: MessageId;
  /**
   * The envelope as the producer sent it (exclusive canonical form), kept only when the envelope the
   * journal would rebuild from the fields above would lose something: elements of other namespaces in
   * `<meta>`, such as xml-pipeline's signature.
   */
  readonly envelopeXml?: string;
  /** A reply leaving the organism for the outside producer that began the chain: recorded, not dispatched. */
  readonly egress?: boolean;
  /** 1-based; grows with each retry or redelivery. */
  attempt: number;
  readonly createdAt: number;
}

/** A message the pipeline refused, with every problem found and where. */
export interface PipelineError {
  readonly code: EngineErrorCode;
  readonly message: string;
  readonly problems: readonly Problem[];
}

/** Why a delivery failed in its handler. `detail` is for operators only (stack, listener, peers). */
export interface DispatchFailure {
  readonly code: EngineErrorCode;
  readonly message: string;
  readonly detail?: string;
  /** False when the handler said trying again cannot help. */
  readonly retryable?: boolean;
}
