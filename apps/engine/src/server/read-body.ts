import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true; size: number };

/**
 * Reads a request body up to `limit` bytes: the one body-reading path of the server. Refuses at once
 * on a Content-Length over the limit and stops keeping chunks as soon as a chunked body passes it, so
 * an oversized upload never sits in memory. On refusal the rest of the upload is drained unread;
 * answer with `Connection: close` so the socket ends after the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true, size: declared });
  }
  return new Promise<BodyResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Methods, not functions declared here: tsx's esbuild would name each one with a property
    // definition, five per request (CONTRIBUTING.md).
    const on = {
      data(this: void, chunk: Buffer): void {
        size += chunk.byteLength;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        on.detach();
        chunks.length = 0;
        // Not req.destroy(): that would take the socket, and with it the 413 the client should read.
        req.resume();
        resolve({ ok: false, tooLarge: true, size });
      },
      end(this: void): void {
        on.detach();
        resolve({ ok: true, body: Buffer.concat(chunks, size) });
      },
      error(this: void, err: Error): void {
        on.detach();
        reject(err);
      },
      close(this: void): void {
        on.detach();
        reject(new Error('the client closed the connection before its request body was complete'));
      },
      detach(this: void): void {
        req.off('data', on.data);
        req.off('end', on.end);
        req.off('error', on.error);
        req.off('close', on.close);
      },
    };
    req.on('data', on.data);
    req.on('end', on.end);
    req.on('error', on.error);
    req.on('close', on.close);
  });
}
