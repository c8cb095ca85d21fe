import { router } from './trpc.ts';
import { auditRouter } from './routers/audit-router.ts';
import { authRouter } from './routers/auth-router.ts';
import { configRouter } from './routers/config-router.ts';
import { eventsRouter } from './routers/events-router.ts';
import { extensionsRouter } from './routers/extensions-router.ts';
import { journalRouter } from './routers/journal-router.ts';
import { listenersRouter } from './routers/listeners-router.ts';
import { messagesRouter } from './routers/messages-router.ts';
import { organismRouter } from './routers/organism-router.ts';
import { threadsRouter } from './routers/threads-router.ts';
import { usersRouter } from './routers/users-router.ts';

/** The console's API, one router per noun. The web app imports only `type AppRouter`. */
export const appRouter = router({
  organism: organismRouter,
  config: configRouter,
  listeners: listenersRouter,
  threads: threadsRouter,
  messages: messagesRouter,
  journal: journalRouter,
  events: eventsRouter,
  extensions: extensionsRouter,
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
