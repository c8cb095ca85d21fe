import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { EngineError } from '@organism/shared';
import type { EngineErrorCode, Problem } from '@organism/shared';
import { ConfigError } from '../config/index.ts';
import { JournalError } from '../journal/index.ts';
import { ConfigHistoryError } from '../lifecycle/config-manager.ts';

const TRPC_CODE: Partial<Record<EngineErrorCode, TRPC_ERROR_CODE_KEY>> = {
  NOT_FOUND: 'NOT_FOUND',
  NOT_RETRYABLE: 'PRECONDITION_FAILED',
  REDELIVERY_EXHAUSTED: 'PRECONDITION_FAILED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  CONFIG_INVALID: 'BAD_REQUEST',
  DRAINING: 'SERVICE_UNAVAILABLE',
  NOT_RUNNING: 'SERVICE_UNAVAILABLE',
  JOURNAL_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  NOT_SUPERVISED: 'PRECONDITION_FAILED',
};

/** A TRPCError that carries the engine's code (and problems) for the client to switch on. */
export class EngineApiError extends TRPCError {
  constructor(
    readonly engineCode: EngineErrorCode,
    message: string,
    readonly problems: Problem[] = [],
    cause?: unknown,
  ) {
    super({ code: TRPC_CODE[engineCode] ?? 'BAD_REQUEST', message, cause });
  }
}

/** The single mapping from domain errors to API errors. Unknown errors stay INTERNAL_SERVER_ERROR. */
export function toApiError(err: unknown): unknown {
  if (err instanceof EngineApiError || err instanceof TRPCError) return err;
  if (err instanceof JournalError) return new EngineApiError(err.code, err.message, [], err);
  if (err instanceof ConfigError) return new EngineApiError('CONFIG_INVALID', err.message, err.problems, err);
  if (err instanceof ConfigHistoryError) return new EngineApiError('NOT_FOUND', err.message, [], err);
  if (err instanceof EngineError) return new EngineApiError(err.code, err.message, err.problems, err);
  return err;
}

/** The engine code of any error a procedure threw, for the error formatter. */
export function engineCodeOf(err: unknown): EngineErrorCode | undefined {
  const e = err instanceof TRPCError && err.cause && !(err instanceof EngineApiError) ? err.cause : err;
  if (e instanceof EngineApiError) return e.engineCode;
  if (e instanceof JournalError) return e.code;
  if (e instanceof ConfigError) return 'CONFIG_INVALID';
  if (e instanceof EngineError) return e.code;
  return undefined;
}
