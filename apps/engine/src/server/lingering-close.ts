import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a connection answered before its upload ended is still read (and dropped) after the answer,
 * unless the client closes it first. Go's net/http waits as long (`closeWriteAndWait`).
 */
export const LINGER_MS = 500;

/**
 * Answers `res` with `Connection: close` while the rest of its request body stays unread, and closes
 * the connection the way that lets the client read the answer: a lingering close. Node's server
 * destroys the socket once the answer is written; with the upload still arriving, the kernel answers
 * the unread bytes with a reset, and a client still writing sees EPIPE or ECONNRESET in place of the
 * answer it was sent (a race that loses it now and then under load). Here the server sends its FIN
 * after the answer and goes on reading and dropping what comes, until the client closes its side (as
 * it does once it has read an answer that says `close`) or LINGER_MS pass. Call before the answer is sent.
 */
export function closeAfterAnswer(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  const socket = res.socket;
  if (!socket) return;
  // node:http's server ends a `Connection: close` response's socket with `destroySoon()` once the
  // answer is written; this socket's own method replaces it (its prototype's stays).
  socket.destroySoon = function lingeringClose(this: Socket): void {
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    // The http server keeps its sockets half-open: the client's FIN ends the wait, not the socket.
    this.once('end', () => this.destroy());
    this.end();
    this.resume();
  };
}
