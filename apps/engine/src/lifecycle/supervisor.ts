import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logging/logger.ts';

/** The exit code an engine uses to ask its supervisor for a fresh process (graceful restart). */
export const RESTART_EXIT_CODE = 75;

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

  return new Promise<number>((resolve) => {
    const forward = (signal: NodeJS.Signals) => (): void => {
      if (signal !== 'SIGHUP') stopping = true;
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
      child = spawn(opts.command, opts.args, { stdio: 'inherit' });
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
