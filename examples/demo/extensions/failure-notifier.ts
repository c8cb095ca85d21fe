import { appendFile, mkdir } from 'node:fs/promises';
import { defineExtension } from '@organism/engine/extension';

/**
 * Writes every dead letter (a handler failure with no retry left) as one JSON line to
 * .organism/failures.jsonl beside organism.yaml: what a notifier would send to a chat or a pager.
 * It is durable: it reads the journal with a cursor of its own, so a failure that happens while it is
 * behind, or just before a crash, is still written after the restart (a line may then come twice: the
 * `seq` tells them apart). An extension is any module in this folder; see docs/extensions.md.
 */
const folder = new URL('../.organism/', import.meta.url);

export default defineExtension(
  (ext) => {
    ext.onEvent(
      'dispatch',
      'failed',
      async ({ event, seq }) => {
        await mkdir(folder, { recursive: true });
        const line = {
          seq,
          at: new Date(event.at).toISOString(),
          listener: event.delivery.to,
          code: event.code,
          thread: event.delivery.threadId,
          detail: event.message,
        };
        await appendFile(new URL('failures.jsonl', folder), `${JSON.stringify(line)}\n`);
      },
      { filter: (event) => !event.willRetry, timeoutMs: 5_000 },
    );
  },
  { durable: true },
);
