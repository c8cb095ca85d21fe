/** Structured fields of one log entry: `err` for an error (logged with its stack and causes), ids, codes. */
export type LogFields = Record<string, unknown>;

/**
 * Where an engine part writes what operators should know: structured fields and one sentence, at a
 * level. The engine's pino logger is one; parts take it through their options, never from a module.
 */
export interface Log {
  error(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  info(fields: LogFields, msg: string): void;
  debug(fields: LogFields, msg: string): void;
}
