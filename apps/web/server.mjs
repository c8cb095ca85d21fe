// The console's server: Next.js's request handler behind a node:http server of its own, in place of
// `next start`. It exists for one thing `next start` cannot do: tell the engine where a browser really is.
// `next start` sets X-Forwarded-For to the socket's address only when the request has none, so a browser
// that reaches the console directly could send its own and choose the address the engine's sign-in limits
// count it under (docs/console.md, "Sign-in limits"). Here the socket's address is appended to the header,
// as every proxy does: the engine reads the hops from the last, so a hop the browser wrote is never read
// unless a trusted proxy wrote the ones after it.
//
//   node server.mjs [-p PORT] [-H HOST]   (defaults $PORT, else 3000, and every interface, as `next start`)
//
// It serves the build `next build` left in ORGANISM_CONSOLE_DIST (default .next), as `next start` does.
import { createServer, maxHeaderSize } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const usage = 'usage: node server.mjs [-p PORT] [-H HOST]';
/** How long a stop waits for open connections to finish. */
const STOP_GRACE_MS = 10_000;

/** A port number, or an error naming where the text came from (`-p`, `PORT`). */
function portOf(source, value) {
  const port = /^\d+$/.test(value ?? '') ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new Error(`${source} must be a port number (0-65535), not ${JSON.stringify(value ?? '')}`);
  return port;
}

/**
 * `-p`/`--port` and `-H`/`--hostname` as `next start` takes them, the port from `PORT` when `-p` is not
 * given (as `next start` too); anything else stops it, saying what.
 */
export function serverOptions(argv, env = process.env) {
  const opts = { port: undefined, hostname: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '-p' || flag === '--port') {
      opts.port = portOf(flag, value);
    } else if (flag === '-H' || flag === '--hostname') {
      if (!value) throw new Error(`${flag} needs a host name or address`);
      opts.hostname = value;
    } else throw new Error(`unknown argument ${JSON.stringify(flag)}\n${usage}`);
    i++;
  }
  opts.port ??= env.PORT === undefined ? 3000 : portOf('PORT', env.PORT);
  return opts;
}

/**
 * Sent with every answer: never framed by another site (clickjacking), never sniffed as another type, no
 * address of a console page in the referrer of a link away, no `<base>`, plugins or form posts elsewhere.
 * Scripts are not restricted by the policy: Next.js writes its own inline.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** The request's X-Forwarded-For with the address its socket came from appended. */
export function forwardedFor(req) {
  const peer = req.socket.remoteAddress;
  const prior = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(prior) ? prior.join(', ') : (prior ?? '')).trim();
  if (!peer) return hops || undefined;
  return hops ? `${hops}, ${peer}` : peer;
}

/**
 * Why a request's path cannot be served, or undefined. Next.js decodes a dynamic segment's percent-escapes
 * before any handler runs, and answers 500 for one that is not UTF-8 (`/trpc/%ZZ`): the fault is the
 * client's, so it is told so here with a 400, as the engine tells it.
 */
export function pathProblem(url) {
  const path = (url ?? '/').split('?', 1)[0];
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    return `the path ${JSON.stringify(path.slice(0, 200))} is not valid percent-encoded UTF-8`;
  }
}

/**
 * What the console answers a request node:http refused before Next.js saw it (its `clientError`), where
 * node:http would send an empty body: the status, and a sentence saying what was wrong. A browser meets
 * the first when the address or the site's cookies grow past what is read.
 */
export function clientErrorAnswer(err) {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: '431 Request Header Fields Too Large',
        text: `the request's headers are larger than ${maxHeaderSize / 1024} KiB, the most the console reads: shorten the address, or clear this site's cookies`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: '408 Request Timeout',
        text: "the request's headers and body did not arrive in time; the connection is closed",
      };
    default:
      return {
        status: '400 Bad Request',
        text: `the request is not valid HTTP: ${err.reason ?? err.message}`,
      };
  }
}

/**
 * The server's `clientError` handler: `clientErrorAnswer` as plain text with the console's security
 * headers, then the connection closed. Nothing is written to a connection the client reset, nor once an
 * answer has begun on it (it would corrupt that one).
 */
function answerClientError(err, socket) {
  // node:http's own check, on the response it tracks for the connection (not part of its documented API).
  if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, text } = clientErrorAnswer(err);
  const body = `${text}\n`;
  const head = [
    `HTTP/1.1 ${status}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  // Ended, then destroyed once written: a client still sending must not hold the connection open.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

async function main() {
  let opts;
  try {
    opts = serverOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`organism console: ${err.message}`);
    process.exit(2);
  }
  // As `next start` does, before React is loaded: its development build is several times slower.
  process.env.NODE_ENV ??= 'production';
  const { default: next } = await import('next');
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const app = next({ dev: false, dir, hostname: opts.hostname ?? 'localhost', port: opts.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const problem = pathProblem(req.url);
    if (problem) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${problem}\n`);
      return;
    }
    const hops = forwardedFor(req);
    if (hops === undefined) delete req.headers['x-forwarded-for'];
    else req.headers['x-forwarded-for'] = hops;
    handle(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('clientError', answerClientError);
  server.on('error', (err) => {
    console.error(`organism console: cannot listen on ${opts.hostname ?? '*'}:${opts.port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(opts.port, opts.hostname, () => {
    const { port } = server.address();
    console.log(`organism console listening on http://${opts.hostname ?? 'localhost'}:${port}`);
  });

  // Stopped as `next start` stops: no new connections, the open ones finished (the /trpc route ends its
  // event streams on the same signals), then Next.js closed; 130 for SIGINT, 143 for SIGTERM. A connection
  // that still has not finished after STOP_GRACE_MS does not keep the console running.
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    const code = signal === 'SIGINT' ? 130 : 143;
    setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
    server.close(() => {
      void app.close().finally(() => process.exit(code));
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Run as a program (`node server.mjs`), not imported (its tests import the two functions above). */
const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) await main();
