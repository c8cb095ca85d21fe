import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { humanLine } from './human-format.ts';

/** The engine's logger (pino). One is built in the composition root and passed to whatever logs. */
export type Logger = PinoLogger;

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go: by default stdout, and for `pretty` warnings and errors to stderr. */
export interface LogSinks {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Defaults to the process's stdout and stderr. */
  sinks?: LogSinks;
}

const WARN = 40;

/**
 * A logger writing one JSON object per line (`json`: time, level, msg and the structured fields) or one
 * human line per entry (`pretty`, for a terminal). Writes are synchronous so that the last lines before
 * `process.exit` are never lost.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const sinks = opts.sinks ?? { out: process.stdout, err: process.stderr };
  const options = {
    level: opts.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (opts.format === 'json') {
    // A collector reads one stream, so every level goes to stdout. pino.destination(1) writes to the
    // real fd 1; a custom sink (tests) gets the lines through its write().
    const dest: DestinationStream = opts.sinks ? opts.sinks.out : pino.destination({ dest: 1, sync: true });
    return pino(options, dest);
  }
  // The human format is rendered from pino's own JSON line, so both formats carry the same fields and
  // obey the same levels.
  const pretty: DestinationStream = {
    write(line: string): void {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const levelValue = pino.levels.values[String(entry.level)] ?? 0;
      (levelValue >= WARN ? sinks.err : sinks.out).write(`${humanLine(entry)}\n`);
    },
  };
  return pino(options, pretty);
}

/** The format to use when none is asked for: human lines on a terminal, JSON when piped or collected. */
export function defaultLogFormat(stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  return stdout.isTTY ? 'pretty' : 'json';
}

/** What the command line asked for (`--log-format`, `--log-level`, `--verbose`). */
export interface LogChoice {
  logFormat?: LogFormat;
  logLevel?: LogLevel;
  verbose?: boolean;
}

/** The logger the command line asked for: `--verbose` means level debug unless a level is given. */
export function loggerFor(choice: LogChoice): Logger {
  return createLogger({
    format: choice.logFormat ?? defaultLogFormat(),
    level: choice.logLevel ?? (choice.verbose ? 'debug' : 'info'),
  });
}
