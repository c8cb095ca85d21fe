/** Every error the engine reports carries one of these codes; clients switch on the code, never on text. */
export const engineErrorCodes = [
  // intake and pipeline
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_XML',
  'DOCTYPE_FORBIDDEN',
  'ENVELOPE_INVALID',
  'NO_PAYLOAD',
  'MULTIPLE_PAYLOADS',
  'MISSING_FROM',
  'UNKNOWN_ROUTE',
  'FILTER_REJECTED',
  'SCHEMA_VIOLATION',
  'DEPTH_EXCEEDED',
  'HOP_LIMIT_EXCEEDED',
  'SENDER_RESERVED',
  'QUEUE_FULL',
  // handlers
  'HANDLER_ERROR',
  'HANDLER_TIMEOUT',
  'PEER_VIOLATION',
  'INVALID_REPLY',
  // configuration
  'CONFIG_INVALID',
  'SCHEMA_COMPILE_ERROR',
  'HANDLER_NOT_FOUND',
  // engine and journal
  'NOT_RUNNING',
  'DRAINING',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'NOT_RETRYABLE',
  'REDELIVERY_EXHAUSTED',
  'KILLED',
  'JOURNAL_UNAVAILABLE',
  'NOT_SUPERVISED',
  'INPUT_INVALID',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INTERNAL',
] as const;

export type EngineErrorCode = (typeof engineErrorCodes)[number];

/** Where in a document or file a problem sits. All fields are optional: a parser may know only some. */
export interface ProblemLocation {
  file?: string;
  line?: number;
  column?: number;
  /** XPath of the offending node (XML) or key path (YAML, e.g. `listeners[2].payload.schema`). */
  path?: string;
}

/** One problem found in some input, with its location. */
export interface Problem extends ProblemLocation {
  message: string;
}

/**
 * How a configuration problem of a file that is not YAML at all begins: the console's listener form, which
 * stands aside while the text does not parse, finds the engine's words for why by it.
 */
export const INVALID_YAML = 'invalid YAML: ';

/** What a reload refused for its configuration's problems says (API and SIGHUP alike), the problems beside it. */
export const RELOAD_REFUSED = 'the configuration was not reloaded: it has problems';

/** Codes whose failure a sender may retry unchanged (the fault was not in the message). */
export const retryableCodes: ReadonlySet<EngineErrorCode> = new Set([
  'HANDLER_ERROR',
  'HANDLER_TIMEOUT',
  'QUEUE_FULL',
  'DRAINING',
  'NOT_RUNNING',
  'JOURNAL_UNAVAILABLE',
]);

/** Renders a problem as `file:line:column path: message`, leaving out what is unknown. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  const head = [where, p.path].filter(Boolean).join(' ');
  return head ? `${head}: ${p.message}` : p.message;
}

/**
 * The one base of every domain error the engine throws: a typed `code` the API maps in one lookup, the
 * problems behind it (with their places), and structured context fields (threadId, listener, …).
 */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly problems: Problem[];
  readonly fields: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: EngineErrorCode,
    message: string,
    opts: {
      problems?: Problem[];
      fields?: Record<string, string | number | boolean>;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EngineError';
    this.code = code;
    this.problems = opts.problems ?? [];
    this.fields = opts.fields ?? {};
  }
}
