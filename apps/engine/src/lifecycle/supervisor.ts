import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logging/logger.ts';

/** The exit code an engine uses to ask its supervisor for a fresh process (graceful restart). */
export const RESTART_EXIT_CODE = 75;

/**
 * The exit code of an engine that cannot start as configured (the configuration, its journal's file, the
 * first admin's password): starting it again would fail the same way, so the supervisor stops with it.
 * 78 is EX_CONFIG in BSD's sysexits.h, which service managers know (systemd's `RestartPreventExitStatus`).
 */
export const CANNOT_START_EXIT_CODE = 78;

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
 * What an engine and its supervisor say to each other over the IPC channel the supervisor gives every
 * engine: the engine asks for a standby, the supervisor answers once the standby is ready (or could not be
 * started); the standby says it is ready and is told when its turn has come. A channel rather than a
 * signal: a signal sent by hand, or one a Node diagnostic flag takes (`--heapsnapshot-signal=SIGUSR2`),
 * would start or answer nothing.
 */
export type SupervisorMessage =
  { type: 'standby' } | { type: 'standby-answer' } | { type: 'ready' } | { type: 'go' } | { type: 'alive' };

/** How often a running engine tells its supervisor that its event loop turns. */
export const ALIVE_EVERY_MS = 2_000;
/**
 * How long a running engine may go without saying so before its supervisor takes it for hung (a handler
 * or a computation that never gives the event loop back: it answers nothing, not even /healthz) and
 * kills it, to start a fresh one that recovers its unfinished work. Counted only once it has said so a
 * first time: its start (migrations, boot recovery) may take longer.
 */
export const HUNG_AFTER_MS = 30_000;

/**
 * Tells this engine's supervisor, every ALIVE_EVERY_MS from the event loop, that the engine turns;
 * nothing without a channel to one. Returns the function that stops it.
 */
export function tellAlive(): () => void {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return () => undefined;
  const beat = (): void => {
    if (process.connected) send({ type: 'alive' } satisfies SupervisorMessage, () => undefined);
  };
  beat();
  const timer = setInterval(beat, ALIVE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

const isMessage = (m: unknown, type: SupervisorMessage['type']): boolean =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

/**
 * A standby engine's wait: tells its supervisor it is ready and resolves true on its turn, or false if the
 * supervisor goes away first (the process should then end). Without a channel to a supervisor, true at once.
 */
export function awaitTurn(): Promise<boolean> {
  delete process.env[STANDBY_ENV];
  const send = process.send?.bind(process);
  if (!send) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onDisconnect = (): void => resolve(false);
    const onMessage = (m: unknown): void => {
      if (!isMessage(m, 'go')) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve(true);
    };
    process.once('disconnect', onDisconnect);
    process.on('message', onMessage);
    send({ type: 'ready' } satisfies SupervisorMessage);
  });
}

/**
 * Asks this engine's supervisor for a standby and resolves once it is ready (or could not be started),
 * or after `waitMs`: the engine meanwhile goes on serving, and its restart leaves the organism unanswered
 * only for the standby's start on the journal, not for the import of its modules (bench/README.md,
 * "Starting the command"). Resolves at once when not supervised or without a channel to the supervisor.
 */
export function standbyReady(supervised: boolean, waitMs: number): Promise<void> {
  const send = process.send?.bind(process);
  if (!supervised || !send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', done);
      resolve();
    };
    const onMessage = (m: unknown): void => {
      if (isMessage(m, 'standby-answer')) done();
    };
    const timer = setTimeout(done, waitMs);
    // The supervisor gone: nothing will start a standby.
    process.once('disconnect', done);
    process.on('message', onMessage);
    send({ type: 'standby' } satisfies SupervisorMessage, (err: Error | null) => err && done());
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
  /** How long the running engine may not say it is alive before it is killed as hung (HUNG_AFTER_MS). */
  hungAfterMs?: number;
  /** Where the supervisor's lines go (as `[supervisor] …`); `log`, when given, takes them instead. */
  logger?: Logger;
  log?: (line: string, level?: 'info' | 'warn' | 'error') => void;
}

/**
 * `organism start`: runs the engine as a child. A restart exit code re-spawns it at once; a crash
 * re-spawns it with backoff; CANNOT_START_EXIT_CODE ends the supervisor with it; SIGTERM / SIGINT are forwarded for a graceful stop and end the supervisor;
 * SIGHUP is forwarded (reload). Resolves with the exit code the supervisor should end with.
 * The child runs in its own process group, so a Ctrl-C reaches it once, through the supervisor, and
 * learns from SUPERVISOR_PID_ENV that a restart will be honoured.
 * Every engine gets an IPC channel. One about to restart may ask over it for a standby (`standbyReady`): the
 * next engine is started at once with STANDBY_ENV, imports its modules, says it is ready, and is told to go
 * once the engine before it exited with the restart code. A standby not needed is ended.
 * The running engine says every ALIVE_EVERY_MS that it is alive (`tellAlive`); one silent for
 * `hungAfterMs` after it first spoke is killed (SIGKILL) and started again as after a crash.
 */
export function supervise(opts: SupervisorOptions): Promise<number> {
  const sv = opts.logger?.child({ component: 'supervisor' });
  const log =
    opts.log ??
    ((l: string, level: 'info' | 'warn' | 'error' = 'info') =>
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
  const hungAfter = opts.hungAfterMs ?? HUNG_AFTER_MS;
  /** When the running engine last said it is alive; undefined until it first does. */
  let aliveAt: number | undefined;

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
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGHUP', onHup);
    const endStandby = (): void => {
      standby?.process.kill('SIGTERM');
      standby = undefined;
    };
    // The watchdog: a running engine that stopped saying it is alive is hung, and killed.
    const watchdog = setInterval(
      () => {
        if (!child || aliveAt === undefined || Date.now() - aliveAt < hungAfter) return;
        if (child.exitCode !== null || child.signalCode !== null) return;
        log(
          `engine not answering: its event loop has not turned for ${Math.round((Date.now() - aliveAt) / 1000)} s (a handler or computation that never yields); killing it (pid ${child.pid ?? '?'}) to start a fresh one, which recovers its unfinished work`,
          'error',
        );
        aliveAt = undefined;
        child.kill('SIGKILL');
      },
      Math.min(1_000, hungAfter / 4),
    );
    watchdog.unref();
    const finish = (code: number): void => {
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      endStandby();
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      resolve(code);
    };
    /** Tells the running engine that it may drain now: its standby is ready, or there will be none. */
    const answer = (engine: ChildProcess | undefined): void => tell(engine, { type: 'standby-answer' });
    /** Tells the engine standing by that its turn has come. */
    const go = (engine: ChildProcess): void => tell(engine, { type: 'go' });
    /** An engine that just died, or closed its channel, hears nothing. */
    const tell = (engine: ChildProcess | undefined, m: SupervisorMessage): void => {
      if (engine?.connected) engine.send(m, () => undefined);
    };
    /** Every engine, running or standing by, with its IPC channel. */
    const spawnEngine = (env: NodeJS.ProcessEnv): ChildProcess => {
      const engine = spawn(opts.command, opts.args, {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, [SUPERVISOR_PID_ENV]: String(process.pid), ...env },
        detached: true,
      });
      // The running engine asks for its standby (one that stood by asks once it has taken over), and says
      // it is alive.
      engine.on('message', (m: unknown) => {
        if (engine !== child) return;
        if (isMessage(m, 'alive')) aliveAt = Date.now();
        else if (isMessage(m, 'standby')) startStandby();
      });
      return engine;
    };
    const startStandby = (): void => {
      const asking = child;
      if (stopping || standby || asking?.exitCode !== null || asking.signalCode !== null)
        return answer(asking);
      const next = spawnEngine({ [STANDBY_ENV]: '1' });
      const entry = { process: next, ready: false, turn: false };
      standby = entry;
      log(`engine started (pid ${next.pid ?? '?'}), standing by while the running one prepares its restart`);
      next.on('message', (m: unknown) => {
        if (!isMessage(m, 'ready') || entry.ready) return;
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
      aliveAt = undefined;
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
        if (code === CANNOT_START_EXIT_CODE) {
          log(
            `engine cannot start as configured (exit ${code}): not starting it again; fix what it said, then start again`,
            'error',
          );
          return finish(code);
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
      child = spawnEngine({});
      log(`engine started (pid ${child.pid ?? '?'})`);
      watch(Date.now());
    };
    run();
  });
}
