import type { MessageId, QName, ThreadId } from '@organism/shared';
import type { CanonicalXml, CompiledSchema, XmlDocument, XmlElement } from '../xml/index.ts';
import type { DeliveryKind, PipelineError } from './delivery.ts';
import type { Listener } from './listener.ts';
import type { RoutingTable } from './routing-table.ts';

/** Where a message enters the pipeline: raw bytes from outside, or a payload the engine addresses itself. */
export type Intake =
  | {
      origin: 'external';
      raw: string | Uint8Array;
      /** The producer names (`<from>`) the sender's API token is bound to; absent: any name not reserved. */
      producers?: readonly string[];
    }
  | {
      origin: 'internal';
      raw: string;
      from: string;
      /** Absent only for a broadcast. */
      to: string | undefined;
      threadId: ThreadId;
      chain: readonly string[];
      kind: DeliveryKind;
      parentId?: MessageId;
      /** The id its delivery gets (one target only), when chosen before: a forward's, or an orchestrator's. */
      id?: MessageId;
      /** A reply leaving the organism (to the external producer that started the chain): not routed. */
      egress?: boolean;
      /**
       * Set when `raw` is the canonical form already, as when a handler forwards or replies with the
       * payload it was given: it is parsed and validated, not canonicalized again.
       */
      canonical?: true;
      /** Set when the journal hands back an entry to redeliver: it keeps its id and attempt. */
      redelivery?: { id: MessageId; attempt: number; createdAt: number };
    };

/** The state one message carries through the steps. A step that fails sets `error` and stops the run. */
export interface PipelineMessage {
  readonly intake: Intake;
  doc?: XmlDocument;
  payloadElement?: XmlElement;
  from?: string;
  to?: string;
  threadId?: ThreadId;
  /** True when this message starts a thread. */
  newThread?: boolean;
  chain?: readonly string[];
  root?: QName;
  /** Exclusive C14N of the whole document as received. */
  canonical?: CanonicalXml;
  /** Exclusive C14N of the payload alone. */
  payloadXml?: CanonicalXml;
  /** The whole envelope as received (canonical), kept when its <meta> carries foreign elements (a signature). */
  envelopeXml?: CanonicalXml;
  targets?: Listener[];
  diagnostics: string[];
  error?: PipelineError;
}

/** What the steps may consult. Read-only: steps never change the engine. */
export interface PipelineContext {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly routing: RoutingTable;
  readonly envelopeSchema: CompiledSchema;
  readonly systemSchema: CompiledSchema;
  newThreadId(): ThreadId;
}

export type Step = (message: PipelineMessage, ctx: PipelineContext) => PipelineMessage;

/** Marks `message` failed with one problem (or several) and returns it: the steps' way to say no. */
export function reject(message: PipelineMessage, error: PipelineError): PipelineMessage {
  message.error = error;
  return message;
}
