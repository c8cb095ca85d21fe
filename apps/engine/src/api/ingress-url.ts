import type { IncomingMessage } from 'node:http';

const HOST = /^([\w-]+(\.[\w-]+)*|\[[\da-f:.]+\])(:\d{1,5})?$/i;

/**
 * Where a producer sends messages (`POST /messages`), as the caller reached this engine: the Host it
 * asked for (behind the console, the engine address the console proxies to), else the socket's own
 * address. For examples shown to people; nothing is routed by it.
 */
export function ingressUrl(req: IncomingMessage): string {
  const host = req.headers.host;
  if (host && HOST.test(host)) return `http://${host}/messages`;
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  const address = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${address}${localPort ? `:${localPort}` : ''}/messages`;
}
