import { proxyToEngine } from '@/lib/server/engine-proxy';
import { engineUrl } from '@/lib/server/engine-url';

export const dynamic = 'force-dynamic';

/**
 * `/trpc/*`: every tRPC call and the event stream, passed on to the engine named by `ORGANISM_ENGINE_URL`
 * when the console runs (lib/server/engine-proxy.ts). The console's pages call only this, same-origin.
 */
const handle = (req: Request): Promise<Response> => proxyToEngine(req, engineUrl());

export { handle as GET, handle as POST };
