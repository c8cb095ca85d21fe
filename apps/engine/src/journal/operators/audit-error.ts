import { EngineError, formatProblem } from '@organism/shared';

/** Problems an audit entry's error names at most (the rest are counted), and its length at most. */
const PROBLEMS_NAMED = 3;
const ERROR_CHARS = 2_000;

/**
 * What a failed action's audit entry says went wrong: the error's message and, for one that has them,
 * its first problems with their places (`organism.yaml:23:14 listeners[0].handler: handler module not
 * found: …`), so that "it has problems" in the log still says which.
 */
export function auditError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Those the message says already (a refusal of one field, invalid input's list) are not repeated.
  const problems = (err instanceof EngineError ? err.problems : []).filter(
    (p) => !err.message.includes(p.message),
  );
  if (problems.length === 0) return cap(err.message);
  const named = problems.slice(0, PROBLEMS_NAMED).map(formatProblem).join('; ');
  const more = problems.length - PROBLEMS_NAMED;
  return cap(`${err.message}: ${named}${more > 0 ? ` (and ${more} more)` : ''}`);
}

const cap = (text: string): string =>
  text.length <= ERROR_CHARS ? text : `${text.slice(0, ERROR_CHARS - 1)}…`;
