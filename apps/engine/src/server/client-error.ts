import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request node:http refused before any route saw it, as the status and JSON error every route answers. */
function refusal(
  err: Error & { code?: string; reason?: string },
  requestTimeoutMs: number,
): { status: string; code: string; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: '431 Request Header Fields Too Large',
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request's headers are larger than ${maxHeaderSize / 1024} KiB, the most the engine reads; send fewer or shorter ones`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: '413 Payload Too Large',
        code: 'PAYLOAD_TOO_LARGE',
        message: "the request body's chunk extensions are too large",
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: '408 Request Timeout',
        code: 'INPUT_INVALID',
        message: `the request's headers and body did not arrive within ${seconds(requestTimeoutMs)}; the connection is closed`,
      };
    default:
      return {
        status: '400 Bad Request',
        code: 'INPUT_INVALID',
        message: `the request is not valid HTTP: ${err.reason ?? err.message}`,
      };
  }
}

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/**
 * The server's `clientError` handler: answers what node:http refused itself (headers over its limit,
 * too slow, not HTTP) with the JSON error shape of every other answer, where node:http would send an
 * empty body, then closes the connection. Nothing is written once a response has begun on the
 * connection (it would corrupt that one), nor to a connection the client reset.
 */
export function answerClientError(
  err: Error & { code?: string },
  socket: Duplex,
  requestTimeoutMs: number,
): void {
  // node:http's own check, on the response it tracks for the connection (not part of its typed API).
  const response = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, message } = refusal(err, requestTimeoutMs);
  const body = JSON.stringify({ error: { code, message } });
  const head = [
    `HTTP/1.1 ${status}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  // Ended, then destroyed once written: a client still sending must not hold the connection open.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
