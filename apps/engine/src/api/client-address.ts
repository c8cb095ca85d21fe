import type { IncomingMessage } from 'node:http';
import { AddressRanges, plainAddress } from '../net/address-range.ts';

const LOOPBACK = new AddressRanges(['127.0.0.0/8', '::1']);
const known = new WeakMap<readonly string[], AddressRanges>();

/**
 * The address a request comes from, for rate limits. The console's server passes browsers on from its
 * own address, which would put all operators behind one, and appends each browser's to `X-Forwarded-For`
 * (apps/web/server.mjs); so a peer that is trusted (loopback,
 * where the console runs beside the engine, or one of `server.trustedProxies`) is looked through: the
 * `X-Forwarded-For` hops are read from the last, which that peer added, past each trusted one, and the
 * first untrusted hop names the browser. From any other peer the header is ignored: it can be forged.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  let trusted = known.get(trustedProxies);
  if (!trusted) known.set(trustedProxies, (trusted = new AddressRanges(trustedProxies)));
  const isTrusted = (a: string): boolean => LOOPBACK.contains(a) || trusted.contains(a);
  const peer = plainAddress(req.socket.remoteAddress ?? '?');
  if (!isTrusted(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => plainAddress(h.trim()))
    .filter(Boolean);
  let address = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i] as string;
    if (!isTrusted(address)) break;
  }
  return address;
}
