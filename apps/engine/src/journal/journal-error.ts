import type { EngineErrorCode } from '@organism/shared';

/** A journal failure the caller can act on: the code says what (not found, not retryable, unavailable). */
export class JournalError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JournalError';
  }
}
