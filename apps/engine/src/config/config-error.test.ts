import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

describe('ConfigError', () => {
  it('carries the problems and prints one per line, located', () => {
    const result = parseConfig(
      'name: x\nlisteners:\n  - name: system.boot\n    colour: red\n',
      'organism.yaml',
    );
    if (result.ok) throw new Error('expected problems');
    const error = new ConfigError(result.problems);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toBe(result.problems);
    expect(error.message.split('\n')).toEqual([
      'organism.yaml:3:5 listeners[0].description: required key is missing',
      'organism.yaml:3:5 listeners[0].payload: required key is missing',
      'organism.yaml:3:5 listeners[0].handler: required key is missing',
      'organism.yaml:3:11 listeners[0].name: "system.boot" is reserved for the engine: a listener may not be named system or system.*',
      'organism.yaml:4:13 listeners[0].colour: unknown key "colour" (known keys: name, description, payload, handler, filter, agent, peers, timeout, concurrency, retry, isolate)',
    ]);
  });
});
