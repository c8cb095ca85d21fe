import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './load-config.ts';
import type { ConfigResult } from './load-config.ts';
import type { OrganismConfig } from './organism-config.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const at = (...parts: string[]): string => join(FIXTURES, ...parts);

function expectOk(result: ConfigResult): OrganismConfig {
  if (!result.ok)
    throw new Error(`expected a valid config, got:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.config;
}

describe('loadConfigFile with a valid file', () => {
  it('fills every default when only the required keys are written', async () => {
    const config = expectOk(await loadConfigFile(at('minimal.yaml')));
    expect(config).toEqual({
      name: 'minimal',
      file: at('minimal.yaml'),
      baseDir: FIXTURES.replace(/\/$/, ''),
      pump: {
        maxConcurrency: 64,
        queueSize: 10_000,
        maxDepth: 50,
        maxHopsPerThread: 1_000,
        maxMessageBytes: 1_048_576,
        intakeWorkers: 0,
      },
      journal: {
        driver: 'sqlite',
        path: at('.organism', 'journal.sqlite'),
        durability: 'fast',
        retainDays: 7,
        writerThread: true,
      },
      server: { host: '127.0.0.1', port: 7070, maxBodyBytes: 4_194_304, trustedProxies: [] },
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 10_000 },
      includes: [],
      extensions: [],
      listeners: [
        {
          name: 'greeter',
          description: 'Greets.',
          payload: { schema: at('schemas', 'greeting.xsd') },
          handler: {
            module: at('handlers', 'greeter.ts'),
            exportName: 'greet',
            ref: './handlers/greeter.ts#greet',
          },
          definedIn: 'minimal.yaml',
          agent: false,
          peers: [],
          timeoutMs: 30_000,
          concurrency: 8,
          retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 10_000 },
          isolate: 'none',
        },
      ],
    });
    expect(config).not.toHaveProperty('description');
    expect(config.listeners[0]?.payload).not.toHaveProperty('root');
  });

  it('reads every key, converting sizes and durations and resolving paths beside the file', async () => {
    const config = expectOk(await loadConfigFile(at('full.yaml')));
    expect(config.description).toBe('Exercises every key.');
    expect(config.pump).toEqual({
      maxConcurrency: 16,
      queueSize: 500,
      maxDepth: 10,
      maxHopsPerThread: 200,
      maxMessageBytes: 524_288,
      intakeWorkers: 2,
    });
    expect(config.journal).toEqual({
      driver: 'sqlite',
      path: at('data', 'journal.sqlite'),
      durability: 'strict',
      retainDays: 30,
      writerThread: false,
    });
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 0,
      maxBodyBytes: 65_536,
      trustedProxies: ['10.0.0.7', 'fd00::/8'],
    });
    expect(config.retry).toEqual({ maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 60_000 });

    const [greeter, orders, planner] = config.listeners;
    expect(greeter).toMatchObject({ payload: { root: 'greeting' }, timeoutMs: 5000, concurrency: 2 });
    expect(orders?.payload).toEqual({
      schema: at('schemas', 'order.xsd'),
      root: '{urn:example:orders}order',
    });
    expect(orders?.handler).toEqual({
      module: at('handlers', 'orders.ts'),
      exportName: 'default',
      ref: './handlers/orders.ts',
    });
    expect(planner).toMatchObject({
      name: 'tools.planner',
      agent: true,
      peers: ['greeter', 'orders'],
      timeoutMs: 1500,
      handler: { module: at('handlers', 'legacy.mjs'), exportName: 'plan', ref: 'handlers/legacy.mjs#plan' },
    });
  });

  it("merges each listener's retry over the organism's, and the organism's over the defaults", async () => {
    const config = expectOk(await loadConfigFile(at('full.yaml')));
    expect(config.listeners.map((l) => l.retry)).toEqual([
      { maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 60_000 },
      { maxAttempts: 1, initialDelayMs: 250, maxDelayMs: 60_000 },
      { maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 60_000 },
    ]);
  });

  it('accepts an empty listener list and passes a :memory: journal through', async () => {
    const config = expectOk(await loadConfigFile(at('no-listeners.yaml')));
    expect(config.listeners).toEqual([]);
    expect(config.journal.path).toBe(':memory:');
  });

  it('hands back the source, whose place() points later layers at files and lines', async () => {
    const result = await loadConfigFile(at('full.yaml'));
    if (!result.ok) throw new Error('expected a valid config');
    expect(result.source.file).toBe(at('full.yaml'));
    expect(result.source.text).toContain('name: full');
    expect(result.source.place(['listeners', 1, 'payload', 'root'])).toEqual({
      file: 'full.yaml',
      path: ['listeners', 1, 'payload', 'root'],
      position: { line: 42, column: 49 },
    });
    expect(result.source.place(['listeners', 2, 'payload', 'root']).position).toEqual({
      line: 52,
      column: 7,
    });
    expect(result.source.included).toEqual([]);
  });
});

describe('parseConfig', () => {
  it('resolves relative paths against the directory of the file it is given', () => {
    const text = [
      'name: inline',
      'listeners:',
      '  - name: a',
      '    description: A.',
      '    payload: { schema: schemas/greeting.xsd }',
      '    handler: handlers/greeter.ts',
    ].join('\n');
    const config = expectOk(parseConfig(text, at('not-on-disk.yaml')));
    expect(config.file).toBe(at('not-on-disk.yaml'));
    expect(config.listeners[0]?.handler.module).toBe(at('handlers', 'greeter.ts'));
  });

  it('accepts absolute schema and handler paths inside the organism folder as they are', () => {
    const text = [
      'name: absolute',
      'listeners:',
      '  - name: a',
      '    description: A.',
      `    payload: { schema: '${at('schemas', 'greeting.xsd')}' }`,
      `    handler: '${at('handlers', 'greeter.ts')}#greet'`,
    ].join('\n');
    const config = expectOk(parseConfig(text, at('organism.yaml')));
    expect(config.listeners[0]?.payload.schema).toBe(at('schemas', 'greeting.xsd'));
    expect(config.listeners[0]?.handler.module).toBe(at('handlers', 'greeter.ts'));
  });
});
