import { EngineError, formatProblem } from '@organism/shared';
import type { Problem } from '@organism/shared';

/** A configuration that cannot be used. The message lists every problem, one `file:line:col path: …` a line. */
export class ConfigError extends EngineError {
  constructor(problems: Problem[], options?: ErrorOptions) {
    super('CONFIG_INVALID', problems.map(formatProblem).join('\n'), {
      problems,
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'ConfigError';
  }
}
