import type { EngineErrorCode, Problem } from '@organism/shared';

/**
 * What the console says for an engine error, chosen by its code, never by matching the message text. A code
 * whose message says all there is (NOT_RETRYABLE and CONFLICT name the case: "message 1a2b3c4d is PENDING
 * now, not a dead letter: someone retried it") has no advice: its message stands alone.
 */
const ADVICE: Partial<Record<EngineErrorCode, string>> = {
  UNAUTHORIZED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your role does not allow this.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  INPUT_INVALID: 'Some of what was entered is not valid.',
  NOT_FOUND: 'It does not exist (any more).',
  DRAINING: 'The engine is draining for a stop or restart.',
  NOT_RUNNING: 'The engine is not running.',
  JOURNAL_UNAVAILABLE: 'The engine cannot write its journal; intake is stopped until it can.',
  NOT_SUPERVISED: 'This engine runs without a supervisor, so it cannot restart itself.',
  QUEUE_FULL:
    'The engine’s queue is full: wait for it to drain, or resume a paused listener whose work is filling it.',
  INTERNAL: 'The engine failed unexpectedly; its log says why.',
};

interface ErrorShape {
  message?: string;
  data?: {
    engineCode?: EngineErrorCode | null;
    /** Set by the console's server when no engine answered the call (lib/server/engine-proxy.ts). */
    unreached?: 'query' | 'not-taken' | 'maybe-taken';
  } | null;
}

/** What an operator reads when no engine answered: what became of what they did, and what to do. */
const UNREACHED = {
  query: 'The engine could not be reached. It may be restarting; the console retries by itself.',
  'not-taken':
    'The engine could not be reached, so this was not done. It may be restarting: try again once it answers.',
  'maybe-taken':
    'The engine took this and then stopped answering, so whether it was done is not known: look before trying again.',
} as const;

/** The engine code of a tRPC client error, when the engine sent one. */
export function engineCodeOf(err: unknown): EngineErrorCode | undefined {
  const shape = err as ErrorShape | null;
  return shape?.data?.engineCode ?? undefined;
}

/** The problems an engine refusal carries (each with its line, column or path), or none. */
export function errorProblems(err: unknown): Problem[] {
  const shape = err as { message?: string; data?: { problems?: Problem[] | null } | null } | null;
  // A problem that only repeats the error's own message, with no place to point at, says nothing more.
  return (shape?.data?.problems ?? []).filter(
    (p) => p.file || p.line || p.column || p.path || p.message !== shape?.message,
  );
}

/** A sentence for an operator: the engine's own message, and what to try where the code says. */
export function describeError(err: unknown): string {
  const code = engineCodeOf(err);
  const advice = code ? ADVICE[code] : undefined;
  const message = (err as ErrorShape | null)?.message;
  // No engine answered (or the console's own server could not be reached): a query is asked again.
  if (!code) return UNREACHED[(err as ErrorShape | null)?.data?.unreached ?? 'query'];
  // The engine's words ("sign in first") add nothing to it, and the console takes the tab to sign-in.
  if (code === 'UNAUTHORIZED') return ADVICE.UNAUTHORIZED ?? message ?? code;
  return advice && message ? `${advice} (${message})` : (advice ?? message ?? code);
}

/** Why a page's object could not be loaded: `notFound` when the engine has no such object, else `describeError`. */
export function describeLoadError(err: unknown, notFound: string): string {
  return engineCodeOf(err) === 'NOT_FOUND' ? notFound : describeError(err);
}

/**
 * The error a page shows in place of what a query read, if any: always when it read nothing of its own
 * yet (a list's rows kept from another filter are not), and when the engine answered (the object is gone,
 * the address is wrong, the role may not see it). An engine that could not be reached is no reason to
 * take away what is on screen: the frame says the engine is away, the page keeps the last data it read
 * (CONSOLE.md: never a blank page), and the query is asked again.
 */
export function shownError(query: { error: unknown; data: unknown; isPlaceholderData?: boolean }): unknown {
  if (!query.error) return null;
  const read = query.data !== undefined && !query.isPlaceholderData;
  return !read || engineCodeOf(query.error) ? query.error : null;
}
