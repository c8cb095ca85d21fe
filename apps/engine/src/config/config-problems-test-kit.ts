import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { loadConfigFile } from './load-config.ts';
import type { ConfigResult } from './load-config.ts';

/** The configuration's test fixtures (fixtures/). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The problems of a result that must have some. */
export function problemsOf(result: ConfigResult): Problem[] {
  if (result.ok) throw new Error('expected problems, but the config is valid');
  return result.problems;
}

/** Each problem as `formatProblem` prints it: file, line, column, key path and message in one string. */
export async function reported(fixture: string): Promise<string[]> {
  return problemsOf(await loadConfigFile(join(FIXTURES, fixture))).map(formatProblem);
}
