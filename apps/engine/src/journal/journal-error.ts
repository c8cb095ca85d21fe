import { EngineError } from '@organism/shared';
import type { EngineErrorCode } from '@organism/shared';

/** A journal failure the caller can act on: the code says what (not found, not retryable, unavailable). */
export class JournalError extends EngineError {
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'JournalError';
  }
}
