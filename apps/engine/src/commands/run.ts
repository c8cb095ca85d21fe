import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, formatProblem, RELOAD_REFUSED } from '@organism/shared';
import { ConfigError } from '../config/index.ts';
import { auditError, EngineLock, JournalError } from '../journal/index.ts';
import { FirstAdminError, ensureFirstAdmin } from '../lifecycle/first-admin.ts';
import {
  CANNOT_START_EXIT_CODE,
  RESTART_EXIT_CODE,
  standbyReady,
  tellAlive,
} from '../lifecycle/supervisor.ts';
import { TrafficGenerator } from '../lifecycle/traffic-generator.ts';
import { loggerFor } from '../logging/logger.ts';
import type { LogChoice, Logger } from '../logging/logger.ts';
import type { Engine } from '../engine.ts';
import { createEngine } from '../main.ts';
import { startServer } from '../server/http-server.ts';
import { checkPort } from '../server/port-check.ts';
import { eventLevel, logEvent } from './describe-event.ts';
import { shutdown } from './shutdown.ts';

export interface RunOptions extends LogChoice {
  traffic?: string;
  /** Leaves out the per-message lines; drain progress, warnings and errors remain. */
  quiet: boolean;
  port?: number;
  /** Runs only these listeners here (`--listeners`): engines sharing the journal run the others. */
  listeners?: string[];
  drainMs: number;
  /** Whether an `organism start` supervisor will start the next engine (asked at each restart request). */
  supervised: () => boolean;
}

/**
 * How long an engine about to restart goes on serving while its supervisor starts the next one (which
 * imports its modules meanwhile) before it drains all the same.
 */
const STANDBY_WAIT_MS = 20_000;

/** The exit code of a stop or restart during which a cleanup step failed (each failure is logged). */
export const CLEANUP_FAILED_EXIT_CODE = 1;

/**
 * `organism run`: the engine and its HTTP server in this process until SIGINT / SIGTERM (graceful
 * stop, exit 0) or a restart request (drain, checkpoint, exit 75 for the supervisor). SIGHUP reloads.
 * Everything it says goes through one logger, built here and passed down.
 */
export async function run(path: string, opts: RunOptions): Promise<number> {
  const logger = loggerFor(opts);
  let engine;
  // Why the port cannot be listened on, found before the journal opens.
  let cannotServe: string | undefined;
  try {
    engine = await createEngine(path, {
      logger,
      serving: true,
      ...(opts.listeners ? { listeners: opts.listeners } : {}),
      beforeJournal: async (config) => {
        // A second engine on one SQLite journal has, as likely as not, its port too: it is told of the
        // journal another engine holds (for now: exit 1, as when its port differs), not of the port.
        const { journal } = config;
        if (journal.driver === 'sqlite' && journal.path !== ':memory:') EngineLock.probe(journal.path);
        const { host } = config.server;
        const port = opts.port ?? config.server.port;
        await checkPort(host, port).catch((err: unknown) => {
          cannotServe = cannotListen(err, host, port);
          throw err;
        });
      },
    });
  } catch (err) {
    if (cannotServe !== undefined) {
      // Another program's port, or one this user may not take: starting again would meet it again.
      logger.error({ code: 'CONFIG_INVALID' }, cannotServe);
      return CANNOT_START_EXIT_CODE;
    }
    if (err instanceof ConfigError || err instanceof JournalError) {
      logger.error({ code: err.code, problems: err.problems }, err.message);
      // A broken configuration or journal file: the supervisor must not start it again and again.
      return err instanceof ConfigError || err.lasting ? CANNOT_START_EXIT_CODE : 1;
    }
    throw err;
  }
  engine.on('*', (e) => {
    const perMessage = e.type !== 'drain' && (eventLevel(e) === 'info' || eventLevel(e) === 'debug');
    if (!(opts.quiet && perMessage)) logEvent(logger, e);
  });
  await engine.start();
  const store = engine.openOperatorStore();
  try {
    await ensureFirstAdmin(store, process.env, (line) => logger.info(line));
  } catch (err) {
    if (!(err instanceof FirstAdminError)) throw err;
    logger.error({ code: 'CONFIG_INVALID' }, err.message);
    await engine.close();
    return CANNOT_START_EXIT_CODE;
  }
  const host = engine.config.server.host;
  const port = opts.port ?? engine.config.server.port;
  let server;
  try {
    server = await startServer(engine, store, { host, port, logger });
  } catch (err) {
    const why = cannotListen(err, host, port);
    if (!why) throw err;
    // Taken since checkPort looked: starting again would meet it again. (A first admin made just before
    // keeps the password printed above it.)
    logger.error({ code: 'CONFIG_INVALID' }, why);
    await engine.close();
    return CANNOT_START_EXIT_CODE;
  }
  await engine
    .announce(server.url, opts.supervised())
    .catch((err: unknown) => logger.warn({ err }, 'could not record where this engine serves'));
  // Its work went to another engine: it ends at once, nothing left to drain, and its supervisor starts a
  // new one.
  engine.onFenced((reason) => {
    logger.error(reason);
    process.exit(RESTART_EXIT_CODE);
  });
  // Every signal handler is in place before the line that says the engine runs: a supervisor may
  // signal as soon as it reads it, and an unhandled SIGHUP or SIGTERM would kill the process.
  const SIGHUP = 'signal:SIGHUP';
  // A reload by signal goes to the audit log as the API's does, its actor the signal: an operator
  // reading the log sees every reload, whoever asked for it.
  const auditReload = (error: unknown): Promise<void> =>
    store
      .audit({
        actor: SIGHUP,
        action: 'organism.reload',
        target: engine.config.file,
        detail: null,
        outcome: error === undefined ? 'ok' : 'error',
        error: error === undefined ? null : auditError(error),
      })
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, `audit log write failed for organism.reload by ${SIGHUP}`),
      );
  const onHup = (): void => {
    void engine.reload(SIGHUP).then(
      (r) => {
        if (r.ok) return auditReload(undefined);
        logger.error(
          { code: 'CONFIG_INVALID', problems: r.problems },
          `reload refused; still running the previous configuration:\n${r.problems.map(formatProblem).join('\n')}`,
        );
        return auditReload(new EngineError('CONFIG_INVALID', RELOAD_REFUSED, { problems: r.problems }));
      },
      (err: unknown) => {
        logger.error({ err }, 'reload failed; still running the previous configuration');
        return auditReload(err);
      },
    );
  };
  process.on('SIGHUP', onHup);
  const stopping = new Promise<{ restart: boolean; drainMs: number }>((done) => {
    process.once('SIGINT', () => done({ restart: false, drainMs: opts.drainMs }));
    process.once('SIGTERM', () => done({ restart: false, drainMs: opts.drainMs }));
    engine.onRestartRequested((drainMs) => done({ restart: true, drainMs }), opts.supervised);
  });
  const rec = engine.recovery;
  logger.info(
    {
      organism: engine.config.name,
      url: server.url,
      listeners: engine.status().listeners,
      durability: engine.durability,
      ...(rec ? { recovered: rec.requeued, deadLettered: rec.exhausted } : {}),
    },
    `organism ${engine.config.name} running on ${server.url} — ${engine.status().listeners} listeners, journal ${engine.durability}` +
      (rec && rec.requeued + rec.exhausted > 0
        ? `, recovered ${rec.requeued} unfinished (${rec.exhausted} dead-lettered)`
        : ''),
  );
  const generator = startTraffic(engine, path, opts.traffic, logger);
  // Its supervisor kills an engine that stops saying so (a handler that never yields): from here on,
  // once it runs, not through the migrations and recovery of its start.
  const stopTelling = tellAlive();
  const reason = await stopping;
  if (reason.restart) await standbyReady(opts.supervised(), STANDBY_WAIT_MS);
  process.off('SIGHUP', onHup);
  logger.info(reason.restart ? 'restart requested: draining…' : 'stopping: draining open threads…');
  const { drained, failed } = await shutdown({
    engine,
    server,
    stopProducers: () => generator?.stop(),
    drainMs: reason.drainMs,
    logger,
  });
  const outcome = drained ? 'drained' : 'drain timed out; unfinished work stays in the journal';
  if (failed.length > 0) {
    logger.error({ failed }, `${outcome}; shutdown incomplete: ${failed.join(', ')} failed`);
    return CLEANUP_FAILED_EXIT_CODE;
  }
  logger.info({ drained }, `${outcome}; journal checkpointed`);
  stopTelling();
  return reason.restart ? RESTART_EXIT_CODE : 0;
}

/** The `--traffic` generator, started; undefined when not asked for or when there is nothing to send. */
function startTraffic(
  engine: Engine,
  path: string,
  traffic: string | undefined,
  logger: Logger,
): TrafficGenerator | undefined {
  if (traffic === undefined) return undefined;
  const folder = join(engine.config.baseDir, 'traffic');
  if (!existsSync(folder)) {
    logger.warn(`--traffic: no traffic/ folder beside ${path}`);
    return undefined;
  }
  const rate = traffic === '' ? 2 : Number(traffic);
  const generator = new TrafficGenerator({
    folder,
    ratePerSecond: rate > 0 ? rate : 2,
    submit: (xml) => engine.submit(xml),
    logger,
  });
  generator.start();
  return generator;
}

/** What stops the server listening on `host:port`, in words with the way out; undefined for another error. */
export function cannotListen(err: unknown, host: string, port: number): string | undefined {
  const at = `cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}`;
  const elsewhere = 'give this engine another port: --port N, or server.port in organism.yaml';
  switch ((err as { code?: unknown }).code) {
    case 'EADDRINUSE':
      return `${at}: another process has that port (another engine, or the demo?). Stop it, or ${elsewhere}`;
    case 'EACCES':
      return `${at}: this user may not take that port (below 1024 needs privileges); ${elsewhere}`;
    case 'EADDRNOTAVAIL':
      return `${at}: no network interface of this machine has that address; check server.host in organism.yaml`;
    case 'ENOTFOUND':
      // A name that resolves to nothing (a typo, `localhost:7070` with its port): it will not resolve next time.
      return `${at}: "${host}" is not a name this machine can resolve; server.host in organism.yaml takes a host name or an address (127.0.0.1, 0.0.0.0, ::), without a port`;
    default:
      return undefined;
  }
}
