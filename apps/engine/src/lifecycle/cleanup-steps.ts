/** One step of a cleanup sequence: a name for the log, and the work. */
export interface CleanupStep {
  name: string;
  run(): unknown;
}

/** A step that threw or rejected, with what it threw. */
export interface CleanupFailure {
  step: string;
  error: unknown;
}

/**
 * Runs every step in order, awaiting each, and keeps going when one fails: a server that will not close
 * must not leave the journal open. `onFailure` hears of each failure as it happens; the failures are
 * also returned, in order, so the caller can say the cleanup did not succeed.
 */
export async function runCleanup(
  steps: readonly CleanupStep[],
  onFailure: (failure: CleanupFailure) => void = () => undefined,
): Promise<CleanupFailure[]> {
  const failures: CleanupFailure[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      const failure = { step: step.name, error };
      failures.push(failure);
      onFailure(failure);
    }
  }
  return failures;
}
