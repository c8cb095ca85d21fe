import type { IncomingMessage } from 'node:http';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * The address a request comes from, for rate limits. The console's Next.js server proxies every browser
 * through loopback, which would put all operators behind one address; so when the peer is loopback (a
 * proxy on this machine, which is trusted as the engine's own host is), the last `X-Forwarded-For` hop
 * — the one that proxy added — names the browser. From any other peer the header is ignored: it can be forged.
 */
export function clientAddress(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? '?';
  if (!LOOPBACK.test(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').at(-1)?.trim();
  return forwarded || peer;
}
