import { formatProblem } from '@organism/shared';
import type { EngineErrorCode, Problem } from '@organism/shared';

/** A configuration that cannot be used. The message lists every problem, one `file:line:col path: …` a line. */
export class ConfigError extends Error {
  readonly code: EngineErrorCode = 'CONFIG_INVALID';
  readonly problems: Problem[];

  constructor(problems: Problem[], options?: ErrorOptions) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
