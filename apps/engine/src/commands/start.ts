import { fileURLToPath } from 'node:url';
import { formatProblem } from '@organism/shared';
import { loadConfigFile } from '../config/index.ts';
import { EngineLock } from '../journal/sqlite/engine-lock.ts';
import { JournalError } from '../journal/journal-error.ts';
import { ENGINE_NODE_FLAGS } from '../lifecycle/engine-node-flags.ts';
import { CANNOT_START_EXIT_CODE, supervise } from '../lifecycle/supervisor.ts';
import type { Logger } from '../logging/logger.ts';

const BIN = fileURLToPath(new URL('../../bin/organism.js', import.meta.url));

/**
 * `organism start`: supervises `organism run` with the same arguments, its Node started with
 * ENGINE_NODE_FLAGS. What would make every engine fail at once (an unreadable config, a journal another
 * engine holds) is reported here and ends the command, instead of being retried with backoff for ever;
 * later failures are the supervisor's to retry.
 */
export async function start(configPath: string, runArgs: string[], logger: Logger): Promise<number> {
  const cfg = await loadConfigFile(configPath);
  if (!cfg.ok) {
    logger.error(
      { code: 'CONFIG_INVALID', problems: cfg.problems },
      `${configPath} has ${cfg.problems.length} problem(s):\n${cfg.problems.map(formatProblem).join('\n')}`,
    );
    // As an engine it would start would exit: a service manager told not to restart on 78 stops here too.
    return CANNOT_START_EXIT_CODE;
  }
  const { journal } = cfg.config;
  // One engine per SQLite file; engines share a PostgreSQL journal by design.
  if (journal.driver === 'sqlite' && journal.path !== ':memory:') {
    try {
      EngineLock.probe(journal.path);
    } catch (err) {
      if (!(err instanceof JournalError)) throw err;
      logger.error({ code: err.code }, err.message);
      return err.lasting ? CANNOT_START_EXIT_CODE : 1;
    }
  }
  return supervise({
    command: process.execPath,
    args: [...ENGINE_NODE_FLAGS, BIN, 'run', ...runArgs],
    logger,
  });
}
