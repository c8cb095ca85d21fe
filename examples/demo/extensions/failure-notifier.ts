import { appendFile, mkdir } from 'node:fs/promises';
import { defineExtension } from '@organism/engine/extension';

/**
 * Writes every dead letter (a handler failure with no retry left) as one JSON line to
 * .organism/failures.jsonl beside organism.yaml: what a notifier would send to a chat or a pager.
 * An extension is any module in this folder; see docs/extensions.md.
 */
const folder = new URL('../.organism/', import.meta.url);

export default defineExtension((ext) => {
  ext.onEvent(
    'message',
    'failed',
    async ({ event }) => {
      await mkdir(folder, { recursive: true });
      const line = {
        at: new Date(event.at).toISOString(),
        listener: event.listener,
        code: event.code,
        thread: event.threadId,
        detail: event.detail ?? event.message,
      };
      await appendFile(new URL('failures.jsonl', folder), `${JSON.stringify(line)}\n`);
    },
    { filter: (event) => !event.willRetry, timeoutMs: 5_000, retry: { maxAttempts: 3 } },
  );
});
