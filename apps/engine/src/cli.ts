import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { LOG_FORMATS, LOG_LEVELS, loggerFor } from './logging/logger.ts';
import type { LogChoice, LogFormat, LogLevel } from './logging/logger.ts';
import { awaitTurn, isSupervised, STANDBY_ENV } from './lifecycle/supervisor.ts';

const USAGE = `usage: organism <command> [organism.yaml] [options]

  run    [config] [--traffic[=RATE]] [--quiet] [--port N] [--drain MS] [--listeners a,b]   engine + HTTP server in this process
  start  [config] [same options]                              the same under a supervisor (restarts, crash backoff)
  check  [config]                                             load, compile every XSD, resolve every handler
  send   file.xml [config] --to NAME [--from P] [--thread ID] [--token T] [--url U]   post an envelope (or a payload, wrapped)
  user   add NAME --role viewer|operator|admin --password P | list | remove NAME   [-c config]
  user   password NAME [--password P]   [-c config]         a new password (printed once unless given); ends their sessions
  token  create NAME [--from a,b] | list | revoke ID   [-c config]   --from: the only producer names it may send as

The config defaults to ./organism.yaml (-c names it too). --traffic sends the organism's traffic/*.xml samples
(--traffic=RATE or --traffic RATE a second, default 2).
--drain: how long a stop waits for open threads (ms, default 30000).
--listeners runs only those listeners here; engines sharing its PostgreSQL journal run the others.
send wraps a payload from --from (default cli) to --to, in a new thread or --thread ID.
SIGTERM / Ctrl-C stop gracefully; SIGHUP reloads the configuration.
The console, in front of a running engine: npm run console -- http://HOST:PORT (from the repository; docs/console.md).
Logs (run, start): --log-format json|pretty (default: pretty on a terminal, json otherwise),
  --log-level trace|debug|info|warn|error|fatal|silent (default info), --verbose (= debug: listener states too).`;

/** A rate for `--traffic`: a number written plainly (`5`, `0.5`). */
const RATE = /^\d+(\.\d+)?$/;

/**
 * `--traffic` may stand alone (the default rate) or carry one (`--traffic=5`, `--traffic 5`): a number after
 * it is its rate, anything else the next argument (the config's path). Written as `--traffic=…` for
 * parseArgs, an empty rate for none.
 */
export function trafficJoined(argv: readonly string[]): string[] {
  return argv.flatMap((a, i) => {
    if (a !== '--traffic') return argv[i - 1] === '--traffic' && RATE.test(a) ? [] : [a];
    const next = argv[i + 1];
    return [`--traffic=${next !== undefined && RATE.test(next) ? next : ''}`];
  });
}

/** Runs the `organism` command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = trafficJoined(argv);
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      traffic: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      port: { type: 'string' },
      listeners: { type: 'string' },
      drain: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      thread: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  for (const flag of ['port', 'drain'] as const) {
    const v = values[flag];
    if (v !== undefined && !/^\d+$/.test(v))
      return usage(`--${flag} must be a whole number, not ${JSON.stringify(v)}`);
  }
  // Checked here, as organism.yaml's server.port is, before the engine opens anything: node:net would
  // refuse it only once the engine had started, with a stack trace (and its supervisor restart it).
  if (values.port !== undefined && Number(values.port) > 65_535)
    return usage(`--port ${values.port}: a port is at most 65535`);
  if (values.traffic && !(RATE.test(values.traffic) && Number(values.traffic) > 0))
    return usage(
      `--traffic takes a rate, messages a second above 0 (--traffic=5), not ${JSON.stringify(values.traffic)}`,
    );
  if (values.listeners !== undefined && listOf(values.listeners).length === 0)
    return usage('--listeners needs the names of the listeners to run here, separated by commas');
  const configAt = (p: string | undefined): string => resolve(values.config ?? p ?? 'organism.yaml');
  const logOpts = logOptions(values);
  if (typeof logOpts === 'string') return usage(logOpts);
  const runOpts = {
    ...logOpts,
    ...(values.traffic !== undefined ? { traffic: values.traffic } : {}),
    quiet: values.quiet,
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.listeners !== undefined ? { listeners: listOf(values.listeners) } : {}),
    drainMs: values.drain ? Number(values.drain) : 30_000,
    supervised: () => isSupervised(process.env),
  };
  // Each command's module is imported when it runs: `user list` needs neither the engine nor its server,
  // and every module costs a process a round trip to tsx's loader thread (bin/organism.js).
  switch (command) {
    case 'check': {
      const { check } = await import('./commands/check.ts');
      return check(configAt(rest[0]));
    }
    case 'run': {
      const { run } = await import('./commands/run.ts');
      // A standby (the next engine of `organism start`) waits here for its turn, its modules imported.
      if (process.env[STANDBY_ENV] !== undefined && !(await awaitTurn())) return 0;
      return run(configAt(rest[0]), runOpts);
    }
    case 'start': {
      const { start } = await import('./commands/start.ts');
      return start(configAt(rest[0]), argv.slice(argv.indexOf('start') + 1), loggerFor(logOpts));
    }
    case 'send': {
      const file = rest[0];
      if (!file) return usage('send needs a file');
      const { send } = await import('./commands/send.ts');
      return send(resolve(file), configAt(rest[1]), {
        from: values.from ?? 'cli',
        ...pick(values, ['to', 'thread', 'url', 'token']),
      });
    }
    case 'user':
    case 'token': {
      const { operators } = await import('./commands/operators.ts');
      return operators(
        configAt(undefined),
        command,
        rest[0],
        rest[1],
        pick(values, ['role', 'password', 'from']),
      );
    }
    default:
      return usage(`unknown command ${JSON.stringify(command)}`);
  }
}

/** --log-format, --log-level and --verbose, checked; a string says what is wrong with them. */
function logOptions(values: {
  'log-format'?: string;
  'log-level'?: string;
  verbose: boolean;
}): LogChoice | string {
  const format = values['log-format'];
  const level = values['log-level'];
  if (format !== undefined && !LOG_FORMATS.includes(format as LogFormat))
    return `--log-format must be one of ${LOG_FORMATS.join(', ')}, not ${JSON.stringify(format)}`;
  if (level !== undefined && !LOG_LEVELS.includes(level as LogLevel))
    return `--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(level)}`;
  return {
    ...(format !== undefined ? { logFormat: format as LogFormat } : {}),
    ...(level !== undefined ? { logLevel: level as LogLevel } : {}),
    verbose: values.verbose,
  };
}

function usage(problem: string): number {
  console.error(`${problem}\n\n${USAGE}`);
  return 2;
}

function pick<T extends Record<string, unknown>, K extends keyof T>(
  o: T,
  keys: K[],
): { [P in K]?: Exclude<T[P], undefined> } {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as { [P in K]?: Exclude<T[P], undefined> };
}

/** `a, b,c` → ['a', 'b', 'c']. */
function listOf(names: string): string[] {
  return names
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}
