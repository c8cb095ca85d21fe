import { engineChoice, proxyToEngine } from '@/lib/server/engine-proxy';

export const dynamic = 'force-dynamic';

/**
 * `/trpc/*`: every tRPC call and the event stream, passed on to the engine named by `ORGANISM_ENGINE_URL`
 * when the console runs, or the next of several that answers (lib/server/engine-proxy.ts). The console's
 * pages call only this, same-origin.
 */
const handle = (req: Request): Promise<Response> => proxyToEngine(req, engineChoice());

export { handle as GET, handle as POST };
