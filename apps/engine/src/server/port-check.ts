import { createServer } from 'node:net';

/**
 * Resolves once `host:port` could be listened on (a throwaway listener, closed at once); rejects with
 * node:net's error (EADDRINUSE, EACCES, EADDRNOTAVAIL…) otherwise. `organism run` asks before it opens the
 * journal, so a run that cannot serve creates nothing (no journal, no first admin and its password).
 */
export function checkPort(host: string, port: number): Promise<void> {
  const probe = createServer();
  return new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
