import { EngineError } from '@organism/shared';
import type { EngineErrorCode, Problem } from '@organism/shared';

/** A journal failure the caller can act on: the code says what (not found, not retryable, unavailable). */
export class JournalError extends EngineError {
  /**
   * Whether trying again cannot help until someone changes something (a corrupt or read-only file), as
   * against a journal another process holds for now or a server not yet up.
   */
  readonly lasting: boolean;

  constructor(
    code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown; lasting?: boolean; problems?: Problem[] },
  ) {
    super(code, message, {
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
      ...(options?.problems ? { problems: options.problems } : {}),
    });
    this.name = 'JournalError';
    this.lasting = options?.lasting ?? false;
  }
}
