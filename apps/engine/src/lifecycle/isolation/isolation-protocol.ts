import type { MessageId, QName, ThreadId } from '@organism/shared';

/** What the main thread tells a handler worker: the module once, then one run at a time. */
export type ToHandlerWorker =
  | { type: 'load'; url: string; exportName: string }
  | {
      type: 'run';
      id: number;
      payloadXml: string;
      ctx: {
        threadId: ThreadId;
        messageId: MessageId;
        from: string;
        listener: string;
        attempt: number;
        root: QName;
        inReplyTo?: MessageId;
      };
    };

/** One output of a run, with the id a forward was given in the worker (its delivery keeps it). */
export interface WorkerOutput {
  kind: 'reply' | 'forward';
  to?: string;
  xml: string;
  id?: MessageId;
}

export type FromHandlerWorker =
  | { type: 'loaded' }
  | { type: 'load-failed'; message: string }
  | { type: 'done'; id: number; outputs: WorkerOutput[] }
  | { type: 'failed'; id: number; message: string; stack?: string; retryable: boolean };
