import { describeError, engineCodeOf } from './engine-error';

/**
 * Why the engine refused an operator's action on a message. Its sentence for NOT_RETRYABLE and CONFLICT
 * says which case it is (someone retried it, it was delivered, it was refused at intake, its listener is
 * gone), so it stands alone; any other error reads as `describeError` has it.
 */
export function describeRefusal(err: unknown): string {
  const code = engineCodeOf(err);
  const message = (err as { message?: string } | null)?.message;
  return (code === 'NOT_RETRYABLE' || code === 'CONFLICT') && message ? message : describeError(err);
}
