import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logging/logger.ts';

/** The exit code an engine uses to ask its supervisor for a fresh process (graceful restart). */
export const RESTART_EXIT_CODE = 75;

/** The variable in which the supervisor gives its child engine the supervisor's pid. */
export const SUPERVISOR_PID_ENV = 'ORGANISM_SUPERVISOR_PID';

/**
 * Whether an `organism start` supervisor is there to start the next engine: the variable names this
 * process's parent. A value left in a user's shell (or inherited by something a handler spawned)
 * names some other process, and once the supervisor has died the parent changes, so neither counts.
 */
export function isSupervised(env: NodeJS.ProcessEnv, parentPid: number = process.ppid): boolean {
  const pid = env[SUPERVISOR_PID_ENV];
  return pid !== undefined && pid !== '' && pid === String(parentPid);
}

/** Stop signals closer together than this are one request (a terminal and a package runner both send one). */
const SAME_SIGNAL_MS = 1_000;

export interface SupervisorOptions {
  /** The command that runs one engine process. */
  command: string;
  args: string[];
  /** Backoff after a crash: doubles from `minBackoffMs` up to `maxBackoffMs`; reset after a stable run. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  stableAfterMs?: number;
  /** Where the supervisor's lines go (as `[supervisor] …`); `log`, when given, takes them instead. */
  logger?: Logger;
  log?: (line: string, level?: 'info' | 'warn') => void;
}

/**
 * `organism start`: runs the engine as a child. A restart exit code re-spawns it at once; a crash
 * re-spawns it with backoff; SIGTERM / SIGINT are forwarded for a graceful stop and end the supervisor;
 * SIGHUP is forwarded (reload). Resolves with the exit code the supervisor should end with.
 * The child runs in its own process group, so a Ctrl-C reaches it once, through the supervisor, and
 * learns from SUPERVISOR_PID_ENV that a restart will be honoured.
 */
export function supervise(opts: SupervisorOptions): Promise<number> {
  const sv = opts.logger?.child({ component: 'supervisor' });
  const log =
    opts.log ??
    ((l: string, level: 'info' | 'warn' = 'info') =>
      sv ? sv[level](l) : console.error(`[supervisor] ${l}`));
  const min = opts.minBackoffMs ?? 500;
  const max = opts.maxBackoffMs ?? 30_000;
  const stableAfter = opts.stableAfterMs ?? 60_000;
  let backoff = min;
  let child: ChildProcess | undefined;
  let stopping = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let lastStopAt = -Infinity;

  return new Promise<number>((resolve) => {
    const forward = (signal: NodeJS.Signals) => (): void => {
      if (signal !== 'SIGHUP') {
        stopping = true;
        // One Ctrl-C arrives several times (from the terminal and from npm/pnpm); pass it on once, so
        // the engine drains instead of taking a second signal as "stop now". A later one is passed on.
        if (Date.now() - lastStopAt < SAME_SIGNAL_MS) return;
        lastStopAt = Date.now();
      }
      if (child?.exitCode === null && child.signalCode === null) child.kill(signal);
      else if (stopping) finish(0);
    };
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    const onHup = forward('SIGHUP');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGHUP', onHup);
    const finish = (code: number): void => {
      clearTimeout(retryTimer);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      resolve(code);
    };
    const run = (): void => {
      const started = Date.now();
      child = spawn(opts.command, opts.args, {
        stdio: 'inherit',
        env: { ...process.env, [SUPERVISOR_PID_ENV]: String(process.pid) },
        detached: true,
      });
      log(`engine started (pid ${child.pid ?? '?'})`);
      child.on('exit', (code, signal) => {
        if (stopping) {
          log(`engine stopped (${signal ?? `exit ${code ?? '?'}`})`);
          return finish(code ?? 0);
        }
        if (code === RESTART_EXIT_CODE) {
          log('engine asked for a restart: starting a fresh one');
          backoff = min;
          return run();
        }
        if (code === 0) {
          log('engine stopped');
          return finish(0);
        }
        if (Date.now() - started > stableAfter) backoff = min;
        log(
          `engine ${signal ? `killed by ${signal}` : `exited with ${code ?? '?'}`}; restarting in ${backoff} ms`,
          'warn',
        );
        retryTimer = setTimeout(run, backoff);
        backoff = Math.min(max, backoff * 2);
      });
    };
    run();
  });
}
