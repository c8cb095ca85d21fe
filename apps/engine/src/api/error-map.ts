import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { TRPC_ERROR_CODE_NUMBER } from '@trpc/server/rpc';
import { EngineError, formatProblem } from '@organism/shared';
import type { EngineErrorCode, Problem } from '@organism/shared';

/** The one mapping from the engine's codes to tRPC's (and so to HTTP statuses). Exhaustive by type. */
const TRPC_CODE: Record<EngineErrorCode, TRPC_ERROR_CODE_KEY> = {
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  MALFORMED_XML: 'BAD_REQUEST',
  DOCTYPE_FORBIDDEN: 'BAD_REQUEST',
  ENVELOPE_INVALID: 'BAD_REQUEST',
  NO_PAYLOAD: 'BAD_REQUEST',
  MULTIPLE_PAYLOADS: 'BAD_REQUEST',
  MISSING_FROM: 'BAD_REQUEST',
  UNKNOWN_ROUTE: 'BAD_REQUEST',
  FILTER_REJECTED: 'BAD_REQUEST',
  SCHEMA_VIOLATION: 'BAD_REQUEST',
  DEPTH_EXCEEDED: 'BAD_REQUEST',
  HOP_LIMIT_EXCEEDED: 'BAD_REQUEST',
  SENDER_RESERVED: 'FORBIDDEN',
  QUEUE_FULL: 'SERVICE_UNAVAILABLE',
  // A handler's failure never reaches a caller of the API as such; if one does, it is the engine's fault.
  HANDLER_ERROR: 'INTERNAL_SERVER_ERROR',
  HANDLER_TIMEOUT: 'INTERNAL_SERVER_ERROR',
  PEER_VIOLATION: 'INTERNAL_SERVER_ERROR',
  INVALID_REPLY: 'INTERNAL_SERVER_ERROR',
  KILLED: 'INTERNAL_SERVER_ERROR',
  CONFIG_INVALID: 'BAD_REQUEST',
  SCHEMA_COMPILE_ERROR: 'BAD_REQUEST',
  HANDLER_NOT_FOUND: 'BAD_REQUEST',
  NOT_RUNNING: 'SERVICE_UNAVAILABLE',
  DRAINING: 'SERVICE_UNAVAILABLE',
  JOURNAL_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  NOT_RETRYABLE: 'PRECONDITION_FAILED',
  REDELIVERY_EXHAUSTED: 'PRECONDITION_FAILED',
  NOT_SUPERVISED: 'PRECONDITION_FAILED',
  INPUT_INVALID: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/**
 * The engine code of an error tRPC raised itself (unknown procedure, wrong method or content type,
 * batch limits): the request was not one the API accepts, so most of them are INPUT_INVALID.
 */
const ENGINE_CODE: Record<TRPC_ERROR_CODE_KEY, EngineErrorCode> = {
  PARSE_ERROR: 'INPUT_INVALID',
  BAD_REQUEST: 'INPUT_INVALID',
  UNPROCESSABLE_CONTENT: 'INPUT_INVALID',
  METHOD_NOT_SUPPORTED: 'INPUT_INVALID',
  UNSUPPORTED_MEDIA_TYPE: 'INPUT_INVALID',
  PRECONDITION_REQUIRED: 'INPUT_INVALID',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  PAYMENT_REQUIRED: 'FORBIDDEN',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'CONFLICT',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  TIMEOUT: 'INTERNAL',
  CLIENT_CLOSED_REQUEST: 'INTERNAL',
  INTERNAL_SERVER_ERROR: 'INTERNAL',
  NOT_IMPLEMENTED: 'INTERNAL',
  BAD_GATEWAY: 'INTERNAL',
  SERVICE_UNAVAILABLE: 'NOT_RUNNING',
  GATEWAY_TIMEOUT: 'INTERNAL',
};

/** What a caller sees of a fault that is not one of the engine's refusals; the detail goes to the log. */
export const INTERNAL_MESSAGE = 'internal error; the engine logged the detail';

/**
 * Shorthand for procedures: an EngineError with positional problems. Kept so routers read
 * `throw new EngineApiError('NOT_FOUND', …)`; it is mapped like any other EngineError.
 */
export class EngineApiError extends EngineError {
  constructor(code: EngineErrorCode, message: string, problems: Problem[] = [], cause?: unknown) {
    super(code, message, cause === undefined ? { problems } : { problems, cause });
    this.name = 'EngineApiError';
  }
}

/** The schema issues behind a failed input parse (zod, or any Standard Schema validator), if any. */
function issuesOf(cause: unknown): { path?: readonly unknown[]; message: string }[] | undefined {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  const { issues } = cause;
  return Array.isArray(issues) ? (issues as { path?: readonly unknown[]; message: string }[]) : undefined;
}

/** `['filter', 'states', 0]` → `filter.states[0]`; the input itself has no path. */
function keyPath(path: readonly unknown[] = []): string | undefined {
  const rendered = path
    .map((k) => (typeof k === 'object' && k !== null && 'key' in k ? k.key : k))
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
  return rendered === '' ? undefined : rendered;
}

/** An input tRPC could not parse or validate, as INPUT_INVALID naming each bad field. */
function inputInvalid(err: TRPCError): EngineError {
  const issues = issuesOf(err.cause);
  const problems: Problem[] = issues
    ? issues.map((i) => {
        const path = keyPath(i.path);
        return path === undefined ? { message: i.message } : { path, message: i.message };
      })
    : [{ message: err.cause instanceof SyntaxError ? `not valid JSON: ${err.message}` : err.message }];
  const message = `invalid input: ${problems.map(formatProblem).join('; ')}`;
  return new EngineError('INPUT_INVALID', message, { problems, cause: err.cause ?? err });
}

/** tRPC raises BAD_REQUEST (or PARSE_ERROR) when an input cannot be parsed or fails its schema. */
function isInputFailure(err: TRPCError): boolean {
  return err.code === 'BAD_REQUEST' || err.code === 'PARSE_ERROR';
}

/**
 * Any error a procedure or tRPC raised, as the EngineError a client sees: domain errors as they are,
 * tRPC's own refusals by their code, and every other fault as INTERNAL with a message that hides it.
 */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  if (!(err instanceof TRPCError)) return new EngineError('INTERNAL', INTERNAL_MESSAGE, { cause: err });
  if (err.cause instanceof EngineError) return err.cause;
  if (isInputFailure(err)) return inputInvalid(err);
  const code = ENGINE_CODE[err.code];
  return new EngineError(code, code === 'INTERNAL' ? INTERNAL_MESSAGE : err.message, { cause: err });
}

/**
 * The error a procedure's failure becomes: one lookup from the engine code to tRPC's code. tRPC's own
 * errors that carry no EngineError keep their code (and an internal fault its real cause and stack,
 * for the server log).
 */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError && !(err.cause instanceof EngineError) && !isInputFailure(err)) return err;
  const engineError = toEngineError(err);
  return new TRPCError({
    code: TRPC_CODE[engineError.code],
    message: engineError.message,
    cause: engineError,
  });
}

/** The body of every API error: tRPC's shape with the engine's code and problems, and never a stack. */
export interface ApiErrorShape {
  message: string;
  code: TRPC_ERROR_CODE_NUMBER;
  data: {
    code: TRPC_ERROR_CODE_KEY;
    httpStatus: number;
    path: string | null;
    engineCode: EngineErrorCode;
    problems: Problem[];
  };
}

/** Builds the error body for `error` (raised by tRPC or mapped by `toTRPCError`) at `path`. */
export function apiErrorShape(error: TRPCError, path: string | undefined): ApiErrorShape {
  const engineError = toEngineError(error);
  return {
    message: engineError.message,
    code: TRPC_ERROR_CODES_BY_KEY[error.code],
    data: {
      code: error.code,
      httpStatus: getHTTPStatusCodeFromError(error),
      path: path ?? null,
      engineCode: engineError.code,
      problems: engineError.problems,
    },
  };
}
