import type { IncomingMessage } from 'node:http';
import { BODY_READ_THROUGH_BYTES } from '@organism/shared';

export type BodyResult =
  | { ok: true; body: Buffer }
  /** `drained`: the rest was read to its end, so the connection can carry the refusal and go on. */
  | { ok: false; tooLarge: true; size: number; drained: boolean };

/**
 * How far past its limit a body is read to its end (and dropped) before it is refused. A client that
 * streams its upload and reads no answer before it has sent everything (fetch with a stream body, which
 * is how the console passes a mutation on) loses the answer if the connection closes under its upload: it
 * sees EPIPE, not the 413. Bigger bodies are refused at once and their connection closed.
 */
export const DRAIN_LIMIT = BODY_READ_THROUGH_BYTES;

/**
 * Reads a request body up to `limit` bytes: the one body-reading path of the server. Never keeps more
 * than `limit` in memory: past it, the rest is read and dropped up to DRAIN_LIMIT, then refused with the
 * connection still usable (`drained`); a body declared or found bigger than that is refused at once, the
 * rest of the upload left unread: answer it through `closeAfterAnswer` (lingering-close.ts), so the socket
 * ends after the answer without a reset taking it.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const known = Number.isFinite(declared);
  // Over the limit and past what is read through: refused unread. (A limit raised past DRAIN_LIMIT takes
  // bodies up to itself.)
  if (known && declared > Math.max(limit, DRAIN_LIMIT)) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true, size: declared, drained: false });
  }
  return new Promise<BodyResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Over the limit already by its declared length: nothing is kept, the body is only read through.
    let over = known && declared > limit;
    // Methods, not functions declared here: tsx's esbuild would name each one with a property
    // definition, five per request (CONTRIBUTING.md).
    const on = {
      data(this: void, chunk: Buffer): void {
        size += chunk.byteLength;
        if (!over && size <= limit) {
          chunks.push(chunk);
          return;
        }
        over = true;
        chunks.length = 0;
        if (size <= DRAIN_LIMIT) return;
        on.detach();
        // Not req.destroy(): that would take the socket, and with it the 413 the client should read.
        req.resume();
        resolve({ ok: false, tooLarge: true, size, drained: false });
      },
      end(this: void): void {
        on.detach();
        if (over) resolve({ ok: false, tooLarge: true, size: known ? declared : size, drained: true });
        else resolve({ ok: true, body: Buffer.concat(chunks, size) });
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
