import type { Log, LogFields } from '@organism/shared';

/**
 * The log of a part built without one (unit tests, benchmarks, tools): one human line per entry on
 * stderr, `[component] message` and then the error, as the engine printed before it had a logger.
 * Debug entries are dropped. `organism run` always passes its own logger instead.
 */
export function stderrLog(component: string): Log {
  const line =
    (tag: string) =>
    (fields: LogFields, msg: string): void => {
      const { err } = fields;
      if (err === undefined) console.error(`${tag}[${component}] ${msg}`);
      else console.error(`${tag}[${component}] ${msg}:`, err);
    };
  return { error: line('ERROR '), warn: line('WARN '), info: line(''), debug: () => undefined };
}
