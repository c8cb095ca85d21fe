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

/**
 * Set in the environment of a standby engine: the next engine, started while the running one prepares its
 * restart. It imports its modules, says it is ready, and waits for its turn (`awaitTurn`) before it reads
 * the configuration or opens the journal.
 */
export const STANDBY_ENV = 'ORGANISM_STANDBY';

/**
 * The signal between an engine and its supervisor about a standby: the engine sends it to ask for one;
 * the supervisor sends it back once the standby is ready (or could not be started), and the engine then
 * drains and exits while the standby takes over.
 */
export const STANDBY_SIGNAL = 'SIGUSR2';

/**
 * A standby engine's wait: tells its supervisor it is ready and resolves true on its turn, or false if the
 * supervisor goes away first (the process should then end). Without a channel to a supervisor, true at once.
 */
export function awaitTurn(): Promise<boolean> {
  delete process.env[STANDBY_ENV];
  const send = process.send?.bind(process);
  if (!send) return Promise.resolve(true);
  return new Promise((resolve) => {
    process.once('disconnect', () => resolve(false));
    process.once('message', (m: { type?: string } | null) => {
      // The channel stays open (it tells the engine if the supervisor dies) without holding the process.
      process.channel?.unref();
      resolve(m?.type === 'go');
    });
    send({ type: 'ready' });
  });
}

/**
 * Asks this engine's supervisor for a standby and resolves once it is ready (or could not be started),
 * or after `waitMs`: the engine meanwhile goes on serving, and its restart leaves the organism unanswered
 * only for the standby's start on the journal, not for the import of its modules (bench/README.md,
 * "Starting the command"). Resolves at once when not supervised.
 */
export function standbyReady(supervised: boolean, waitMs: number, parentPid = process.ppid): Promise<void> {
  if (!supervised) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    // Kept for the life of the process: a late answer must not end it (the signal's default action).
    process.on(STANDBY_SIGNAL, done);
    try {
      process.kill(parentPid, STANDBY_SIGNAL);
    } catch {
      done(); // the supervisor is gone: nothing will start a standby
    }
  });
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
 * An engine about to restart may ask for a standby (STANDBY_SIGNAL, `standbyReady`): the next engine is
 * started at once with STANDBY_ENV and an IPC channel, imports its modules, says it is ready, and is
 * told to go once the engine before it exited with the restart code. A standby not needed is ended.
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
  /**
   * The next engine, started while `child` prepares its restart: ready once it said so, and told to go
   * once it is ready and its turn has come (the engine before it exited with the restart code).
   */
  let standby: { process: ChildProcess; ready: boolean; turn: boolean } | undefined;
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
      if (stopping && standby) {
        // No next engine: the one that asked for it drains now (and then stops, as asked).
        endStandby();
        answer(child);
      }
      if (child?.exitCode === null && child.signalCode === null) child.kill(signal);
      else if (stopping) finish(0);
    };
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    const onHup = forward('SIGHUP');
    const onStandby = (): void => startStandby();
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGHUP', onHup);
    process.on(STANDBY_SIGNAL, onStandby);
    const endStandby = (): void => {
      standby?.process.kill('SIGTERM');
      standby = undefined;
    };
    const finish = (code: number): void => {
      clearTimeout(retryTimer);
      endStandby();
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      process.off(STANDBY_SIGNAL, onStandby);
      resolve(code);
    };
    /** Tells the running engine that it may drain now: its standby is ready, or there will be none. */
    const answer = (engine: ChildProcess | undefined): void => {
      if (engine?.exitCode === null && engine.signalCode === null) engine.kill(STANDBY_SIGNAL);
    };
    /** Tells the engine standing by that its turn has come (an engine that just died hears nothing). */
    const go = (engine: ChildProcess): void => {
      if (engine.connected) engine.send({ type: 'go' }, () => undefined);
    };
    const startStandby = (): void => {
      const asking = child;
      if (stopping || standby || asking?.exitCode !== null || asking.signalCode !== null)
        return answer(asking);
      const next = spawn(opts.command, opts.args, {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, [SUPERVISOR_PID_ENV]: String(process.pid), [STANDBY_ENV]: '1' },
        detached: true,
      });
      const entry = { process: next, ready: false, turn: false };
      standby = entry;
      log(`engine started (pid ${next.pid ?? '?'}), standing by while the running one prepares its restart`);
      next.on('message', (m: { type?: string } | null) => {
        if (m?.type !== 'ready' || entry.ready) return;
        entry.ready = true;
        if (entry.turn) go(next);
        else answer(asking);
      });
      next.on('exit', (code, signal) => {
        if (standby !== entry) return;
        standby = undefined;
        log(`the engine standing by ended before its turn (${signal ?? `exit ${code ?? '?'}`})`, 'warn');
        answer(asking);
      });
    };
    const watch = (started: number): void => {
      const current = child as ChildProcess;
      current.on('exit', (code, signal) => {
        if (stopping) {
          log(`engine stopped (${signal ?? `exit ${code ?? '?'}`})`);
          return finish(code ?? 0);
        }
        if (code === RESTART_EXIT_CODE) {
          backoff = min;
          const next = standby;
          if (next) {
            // Its turn: it goes now, or as soon as it is ready.
            standby = undefined;
            next.turn = true;
            child = next.process;
            log(`engine asked for a restart: the one standing by takes over (pid ${child.pid ?? '?'})`);
            if (next.ready) go(next.process);
            return watch(Date.now());
          }
          log('engine asked for a restart: starting a fresh one');
          return run();
        }
        endStandby();
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
    const run = (): void => {
      child = spawn(opts.command, opts.args, {
        stdio: 'inherit',
        env: { ...process.env, [SUPERVISOR_PID_ENV]: String(process.pid) },
        detached: true,
      });
      log(`engine started (pid ${child.pid ?? '?'})`);
      watch(Date.now());
    };
    run();
  });
}
