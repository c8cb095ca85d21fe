import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '@organism/shared';
import type { Engine } from '../engine.ts';
import type { OperatorStore, User } from '../journal/index.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { RefusalAudit } from './refusal-audit.ts';

/** Everything a procedure may use. Built per request by the server; routers never reach further. */
export interface ApiContext {
  engine: Engine;
  store: OperatorStore;
  limiter: LoginLimiter;
  /** Which refusals for role the audit log takes (one a user and procedure a minute). */
  refusals: RefusalAudit;
  /** The server's log, for what a procedure must report without failing (an audit write, say). */
  log: Log;
  user: User | undefined;
  sessionToken: string | undefined;
  req: IncomingMessage;
  res: ServerResponse;
}

export const SESSION_COOKIE = 'organism_session';

/** The session token from the request's cookie header, if any. A token that cannot be decoded is none. */
export function sessionFromCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      // A forged cookie such as `%E0%A4%A` must read as "not signed in", not as a fault of the engine.
      return undefined;
    }
  }
  return undefined;
}

/** Builds the request context: looks up the session behind the cookie. */
export async function createContext(
  deps: { engine: Engine; store: OperatorStore; limiter: LoginLimiter; refusals: RefusalAudit; log: Log },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<ApiContext> {
  const sessionToken = sessionFromCookie(req.headers.cookie);
  const user = await requestUser(deps.store, req);
  return { ...deps, user, sessionToken, req, res };
}

const usersOfRequests = new WeakMap<IncomingMessage, Promise<User | undefined>>();

/**
 * The user whose live session the request's cookie carries, read once a request: the endpoint asks before
 * the body (how much of one it takes), the context after, and both get the same answer (or failure).
 */
export function requestUser(store: OperatorStore, req: IncomingMessage): Promise<User | undefined> {
  let user = usersOfRequests.get(req);
  if (!user) {
    const token = sessionFromCookie(req.headers.cookie);
    user = token ? store.sessionUser(token) : Promise.resolve(undefined);
    usersOfRequests.set(req, user);
  }
  return user;
}
