import { printable } from './printable.ts';

/** The fields of one log entry as pino writes them (a parsed JSON line). */
export type LogEntry = Record<string, unknown>;

const TAGGED = new Set(['warn', 'error', 'fatal']);

/**
 * One terminal line for a log entry: `HH:MM:SS.mmm [component] msg`. Warnings and errors that are not
 * engine events (those say FAILED / REJECTED themselves) get their level in front, and an error's stack,
 * causes included, follows indented. Only an entry's first line starts with a time: the further lines of
 * a message (a list of problems, a handler's own log) are indented, and other control characters escaped,
 * so no text an entry carries can pass for an entry of its own.
 */
export function humanLine(entry: LogEntry): string {
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level);
  const tag = TAGGED.has(level) && entry.event === undefined ? `${level.toUpperCase()} ` : '';
  const component = typeof entry.component === 'string' ? `[${printable(entry.component)}] ` : '';
  const msg = typeof entry.msg === 'string' ? entry.msg.split('\n').map(printable).join('\n    ') : '';
  const stack = errorStack(entry.err);
  return `${time} ${tag}${component}${msg}${stack ? `\n${indent(stack)}` : ''}`;
}

function errorStack(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  if (typeof stack === 'string') return stack;
  return typeof message === 'string' ? message : undefined;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
