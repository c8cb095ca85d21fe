import { formatProblem } from '@organism/shared';
import type { Problem } from '@organism/shared';

/** A configuration that cannot be used, with every problem and where it is. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
