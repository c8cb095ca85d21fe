import { relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * The files that take far longer than their size says (each spawns engines and commands, or runs a
 * journal's whole contract from a file of a few lines), with about how many seconds each took in a
 * fresh-clone CI run on two cores. Only the order of the run depends on these numbers.
 */
const LONG: Record<string, number> = {
  'test/cli/operators-live.test.ts': 87,
  'test/journal/crash-recovery.test.ts': 73,
  'test/cli/cli.test.ts': 48,
  'test/journal/poison-message.test.ts': 39,
  'src/journal/postgres/postgres-journal.test.ts': 36,
  'src/journal/sqlite/sqlite-journal.test.ts': 30,
  'test/cli/logs.test.ts': 30,
  'test/cli/postgres-engine.test.ts': 28,
  'test/lifecycle/orchestration.test.ts': 25,
  'test/cli/cannot-start.test.ts': 25,
  'test/lifecycle/supervised.test.ts': 24,
  'test/server/restart.test.ts': 21,
  'test/cli/token-producers.test.ts': 21,
};

/**
 * Longest first, so that no fork is left with a long file while the others stand idle at the end. With
 * the durations of an earlier run in vitest's cache, vitest's own order (longest first by those); in a
 * fresh clone it has none and goes by file size, which ran the journal contracts' two-line files (30 and
 * 36 s) last, alone. Then the files named above go first, longest first, and the rest by size.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const path = (f: TestSpecification): string => relative(this.ctx.config.root, f.moduleId);
    const timed = sorted.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path(f)}`));
    const seconds = (f: TestSpecification): number => LONG[path(f)] ?? 0;
    // Array.prototype.sort is stable: the files not named keep vitest's order after those named.
    return timed ? sorted : [...sorted].sort((a, b) => seconds(b) - seconds(a));
  }
}
