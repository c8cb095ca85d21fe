import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '@organism/shared';
import { FIXTURES, problemsOf, reported } from './config-problems-test-kit.ts';
import { loadConfigFile, parseConfig } from './load-config.ts';
import type { ConfigResult } from './load-config.ts';

describe('keys and types the schema rejects', () => {
  it('reports each unknown key at its value (or at the key when empty), suggesting what was meant', async () => {
    expect(await reported('unknown-keys.yaml')).toEqual([
      'unknown-keys.yaml:2:9 colour: unknown key "colour" (known keys: name, description, pump, journal, server, retry, include, extensions, listeners)',
      'unknown-keys.yaml:4:18 pump.maxConcurency: unknown key "maxConcurency"; did you mean "maxConcurrency"?',
      'unknown-keys.yaml:11:14 listeners[0].tiemout: unknown key "tiemout"; did you mean "timeout"?',
      'unknown-keys.yaml:12:5 listeners[0].owner: unknown key "owner" (known keys: name, description, payload, handler, filter, agent, peers, timeout, concurrency, retry, isolate)',
    ]);
  });

  it('reports each missing required key at its nearest existing parent', async () => {
    expect(await reported('missing-keys.yaml')).toEqual([
      'missing-keys.yaml:1:1 name: required key is missing',
      'missing-keys.yaml:3:5 listeners[0].description: required key is missing',
      'missing-keys.yaml:5:7 listeners[0].payload.schema: required key is missing',
      'missing-keys.yaml:7:5 listeners[1].handler: required key is missing',
      'missing-keys.yaml:9:14 listeners[1].payload.schema: required key is missing',
    ]);
  });

  it('requires the listeners list', () => {
    expect(problemsOf(parseConfig('name: lonely\n', 'organism.yaml')).map(formatProblem)).toEqual([
      'organism.yaml:1:1 listeners: required key is missing',
    ]);
  });

  it('reports wrong types and out-of-range numbers with what was found', async () => {
    expect(await reported('wrong-types.yaml')).toEqual([
      'wrong-types.yaml:3:14 pump.queueSize: expected a number, got text "lots"',
      'wrong-types.yaml:4:13 pump.maxDepth: expected a whole number, got number 2.5',
      'wrong-types.yaml:6:9 server.port: a port is at most 65535',
      'wrong-types.yaml:7:30 server.trustedProxies[1]: "10.0.0.0/33" is not an IP address or a CIDR range (for example 10.0.0.5 or 10.0.0.0/8)',
      'wrong-types.yaml:7:43 server.trustedProxies[2]: "console.internal" is not an IP address or a CIDR range (for example 10.0.0.5 or 10.0.0.0/8)',
      'wrong-types.yaml:9:15 journal.durability: expected "strict" or "fast"',
      'wrong-types.yaml:10:3 journal.path: expected text, got nothing',
      'wrong-types.yaml:11:17 journal.writerThread: expected true or false, got text "no" (YAML reads yes, no, on and off as text: write false)',
      'wrong-types.yaml:15:12 listeners[0].agent: expected true or false, got text "yes" (YAML reads yes, no, on and off as text: write true)',
      'wrong-types.yaml:16:12 listeners[0].peers: expected a list, got text "shouter"',
      'wrong-types.yaml:17:18 listeners[0].concurrency: must be at least 1',
    ]);
  });

  it('says what a number written with its thousands apart was meant to be, and no more', () => {
    const said = (queueSize: string): string[] =>
      problemsOf(
        parseConfig(`name: a\npump:\n  queueSize: ${queueSize}\nlisteners: []\n`, 'organism.yaml'),
      ).map(formatProblem);
    expect(said('1,000')).toEqual([
      'organism.yaml:3:14 pump.queueSize: expected a number, got text "1,000" (write it without separators: 1000)',
    ]);
    expect(said('"1 000 000"')[0]).toMatch(/\(write it without separators: 1000000\)$/);
    expect(said('1_000')[0]).toMatch(/\(write it without separators: 1000\)$/);
    // A decimal comma, or groups that are not thousands, or mixed separators: only what was found.
    for (const odd of ['1,5', '10,00', '1,000_000', 'lots'])
      expect(said(odd)[0]).toMatch(/, got text "[^"]+"$/);
  });

  it('says a map written as "key:value", with no space after the colon, as the key it was meant to be', () => {
    // The last key of its map reads as text, no syntax error: the map's type says it.
    expect(
      problemsOf(parseConfig('name: a\nlisteners: []\npump:\n  maxDepth:5\n', 'organism.yaml')).map(
        formatProblem,
      ),
    ).toEqual([
      'organism.yaml:4:3 pump: expected a map of keys, got text "maxDepth:5" (a key needs a space after its ":": write maxDepth: 5)',
    ]);
    // Text with a colon where text is expected is only that.
    expect(
      problemsOf(parseConfig('name: a\nlisteners: []\npump:\n  queueSize: a:b\n', 'organism.yaml')).map(
        formatProblem,
      ),
    ).toEqual(['organism.yaml:4:14 pump.queueSize: expected a number, got text "a:b"']);
  });

  it('reports sizes and durations it cannot read, and a zero timeout', async () => {
    expect(await reported('bad-units.yaml')).toEqual([
      'bad-units.yaml:3:20 pump.maxMessageBytes: "huge" is not a size: use bytes, or "512KiB", "1MiB", "2MB"',
      'bad-units.yaml:5:19 retry.initialDelayMs: -5 is not a duration: milliseconds, or a string like "500ms", "5s", "2m"',
      'bad-units.yaml:6:15 retry.maxDelayMs: expected a duration: milliseconds, or a string like "500ms", "5s", "2m"',
      'bad-units.yaml:13:14 listeners[0].timeout: "soon" is not a duration: milliseconds, or a string like "500ms", "5s", "2m"',
      'bad-units.yaml:19:14 listeners[1].timeout: must be at least 1ms',
    ]);
  });

  it('says a size of nothing is too small, not that it is not a size', () => {
    for (const size of ['0', '"0KiB"']) {
      const result = parseConfig(
        `name: a\nlisteners: []\npump:\n  maxMessageBytes: ${size}\n`,
        'organism.yaml',
      );
      expect(problemsOf(result).map(formatProblem)).toEqual([
        `organism.yaml:4:20 pump.maxMessageBytes: ${size} is too small: a size is at least 1 byte`,
      ]);
    }
  });

  it('refuses a server.host with a port in it, and takes an IPv6 address as it is', () => {
    const said = (host: string) => {
      const result = parseConfig(`name: a\nlisteners: []\nserver:\n  host: "${host}"\n`, 'organism.yaml');
      return result.ok ? [] : result.problems.map(formatProblem);
    };
    expect(said('localhost:7070')).toEqual([
      'organism.yaml:4:9 server.host: "localhost:7070" is not a host name or address: give the port as server.port, and an IPv6 address without brackets (::1)',
    ]);
    expect(said('[::1]')).toHaveLength(1);
    for (const ok of ['::1', '::', '0.0.0.0', 'localhost', 'engine.internal']) expect(said(ok)).toEqual([]);
  });

  it('rejects a file whose top level is not a map, and an empty file', async () => {
    expect(await reported('not-a-map.yaml')).toEqual([
      'not-a-map.yaml:1:1: expected a map of keys, got a list',
    ]);
    expect(problemsOf(parseConfig('', 'organism.yaml')).map(formatProblem)).toEqual([
      'organism.yaml:1:1: expected a map of keys, got nothing',
    ]);
  });
});

describe('listener names, peers and roots', () => {
  it('reports a duplicate name at the second listener, naming the first', async () => {
    expect(await reported('duplicate-names.yaml')).toEqual([
      'duplicate-names.yaml:7:11 listeners[1].name: duplicate listener name "greeter" (also duplicate-names.yaml:3:11 listeners[0].name)',
    ]);
  });

  it('reserves system.* names and rejects names that are not listener names', async () => {
    expect(await reported('reserved-name.yaml')).toEqual([
      'reserved-name.yaml:3:11 listeners[0].name: "system.boot" is reserved for the engine: a listener may not be named system or system.*',
      'reserved-name.yaml:7:11 listeners[1].name: "not a name" is not a listener name: letters, digits, _ and -, in dot-separated parts (e.g. tools.calculator)',
    ]);
  });

  it('reserves the name system itself, as producers find it reserved', () => {
    const result = parseConfig(
      'name: a\nlisteners:\n  - name: system\n    description: d\n    payload: { schema: s.xsd }\n    handler: ./h.ts#h\n',
      'organism.yaml',
    );
    expect(problemsOf(result).map(formatProblem)).toContain(
      'organism.yaml:3:11 listeners[0].name: "system" is reserved for the engine: a listener may not be named system or system.*',
    );
  });

  it('reports peers that name the listener itself or no listener at all, at the peer', async () => {
    expect(await reported('bad-peers.yaml')).toEqual([
      'bad-peers.yaml:6:22 listeners[0].peers[1]: a listener cannot be its own peer',
      'bad-peers.yaml:6:31 listeners[0].peers[2]: no listener named "calculator"',
    ]);
  });

  it('accepts only a local name or Clark {namespace}local as a root', async () => {
    const hint = 'write a local name like "order", or "{namespace-uri}order"';
    expect(await reported('bad-roots.yaml')).toEqual([
      `bad-roots.yaml:5:49 listeners[0].payload.root: prefixes mean nothing here ("o:order"): ${hint}`,
      `bad-roots.yaml:9:49 listeners[1].payload.root: empty namespace in "{}order": ${hint}`,
      `bad-roots.yaml:13:49 listeners[2].payload.root: "1order" is not an element name: ${hint}`,
      `bad-roots.yaml:17:49 listeners[3].payload.root: "purchase order" is not an element name: ${hint}`,
    ]);
  });
});

describe('schema and handler files', () => {
  it('reports missing files as written, naming the handler file that exists under another extension', async () => {
    expect(await reported('missing-files.yaml')).toEqual([
      'missing-files.yaml:6:15 listeners[0].payload.schema: file not found: schemas/missing-order.xsd',
      'missing-files.yaml:12:14 listeners[1].handler: handler module not found: ./handlers/greeter.js (./handlers/greeter.ts exists)',
      'missing-files.yaml:17:14 listeners[2].handler: handler module not found: ./handlers/greeter (./handlers/greeter.ts exists)',
      'missing-files.yaml:22:14 listeners[3].handler: handler module must end in .ts, .mts, .js or .mjs: handlers/notes.txt',
      'missing-files.yaml:27:14 listeners[4].handler: handler module not found: ./handlers/nowhere.ts',
    ]);
  });

  it('says a schema or handler module named by its folder is a folder, not that it is not found', () => {
    const text = [
      'name: folders',
      'listeners:',
      '  - name: greeter',
      '    description: Greets.',
      '    payload: { schema: schemas }',
      '    handler: ./handlers#greet',
    ].join('\n');
    expect(problemsOf(parseConfig(text, join(FIXTURES, 'organism.yaml'))).map(formatProblem)).toEqual([
      'organism.yaml:5:24 listeners[0].payload.schema: is a folder, not an XSD file: schemas',
      'organism.yaml:6:14 listeners[0].handler: handler module is a folder, not a file: ./handlers',
    ]);
  });

  it('rejects handler references without a module or with an export that is not an identifier', async () => {
    const hint = 'write a module path and an export, like "./handlers/greeter.ts#greet"';
    expect(await reported('handler-refs.yaml')).toEqual([
      `handler-refs.yaml:6:14 listeners[0].handler: "#greet" is not a handler reference: ${hint}`,
      `handler-refs.yaml:10:14 listeners[1].handler: "./handlers/greeter.ts#not-a-name" is not a handler reference: ${hint}`,
    ]);
  });

  it('refuses schema and handler files outside the organism folder, relative or absolute', () => {
    // Both files exist, one folder above fixtures/: only where they are is wrong.
    const above = join(FIXTURES, '..', 'handler-ref.ts');
    const text = [
      'name: outside',
      'listeners:',
      '  - name: climber',
      '    description: Climbs out.',
      '    payload: { schema: ../fixtures/../handler-ref.test.ts }',
      '    handler: ../handler-ref.ts#parseHandlerRef',
      '  - name: absolute',
      '    description: Elsewhere on disk.',
      '    payload: { schema: schemas/greeting.xsd }',
      `    handler: '${above}#parseHandlerRef'`,
    ].join('\n');
    const dir = FIXTURES.replace(/\/$/, '');
    const outside = (what: string): string =>
      `${what} is outside the organism folder ${dir} (symlinks resolved)`;
    expect(problemsOf(parseConfig(text, join(FIXTURES, 'organism.yaml'))).map(formatProblem)).toEqual([
      `organism.yaml:5:24 listeners[0].payload.schema: listener "climber": ${outside('schema ../fixtures/../handler-ref.test.ts')}`,
      `organism.yaml:6:14 listeners[0].handler: listener "climber": ${outside('handler module ../handler-ref.ts')}`,
      `organism.yaml:10:14 listeners[1].handler: listener "absolute": ${outside(`handler module ${above}`)}`,
    ]);
  });
});

describe('several problems at once', () => {
  it('reports every problem of every kind together, in file order', async () => {
    expect(await reported('many-errors.yaml')).toEqual([
      'many-errors.yaml:4:14 pump.queueSize: must be at least 1',
      'many-errors.yaml:9:15 listeners[0].payload.schema: file not found: schemas/missing.xsd',
      'many-errors.yaml:11:13 listeners[0].peers[0]: no listener named "ghost"',
      'many-errors.yaml:12:14 listeners[0].retries: unknown key "retries"; did you mean "retry"?',
      'many-errors.yaml:13:5 listeners[1].description: required key is missing',
      'many-errors.yaml:13:11 listeners[1].name: duplicate listener name "greeter" (also many-errors.yaml:6:11 listeners[0].name)',
    ]);
  });

  it('prints as file:line:column path: message, at the value of the offending key', () => {
    const text = [
      'name: shop',
      'listeners:',
      ...['a', 'b'].flatMap((name) => [
        `  - name: ${name}`,
        `    description: Listener ${name}.`,
        '    payload: { schema: schemas/greeting.xsd }',
        '    handler: ./handlers/greeter.ts#greet',
      ]),
      '  - name: orders',
      '    description: Takes orders.',
      '    payload:',
      '      schema: schemas/no-order.xsd',
      '    handler: ./handlers/greeter.ts#greet',
    ];
    // Beside fixtures/, where handlers/greeter.ts exists and schemas/no-order.xsd does not.
    const result = parseConfig(text.join('\n'), join(FIXTURES, 'organism.yaml'));
    expect(problemsOf(result).map(formatProblem)).toEqual([
      'organism.yaml:14:15 listeners[2].payload.schema: file not found: schemas/no-order.xsd',
    ]);
  });

  it('gives every problem a file, a 1-based line and column, and a key path', async () => {
    const problems = problemsOf(await loadConfigFile(join(FIXTURES, 'many-errors.yaml')));
    for (const p of problems) {
      expect(p.file).toBe('many-errors.yaml');
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.column).toBeGreaterThanOrEqual(1);
      expect(p.path).toMatch(/^[a-z]/);
    }
  });
});

describe('loadConfigFile on files it cannot read', () => {
  it('reports a missing file as a problem instead of throwing', async () => {
    const file = join(FIXTURES, 'does-not-exist.yaml');
    expect(problemsOf(await loadConfigFile(file))).toEqual([
      { file: 'does-not-exist.yaml', message: `file not found: ${file}` },
    ]);
  });

  it('reports a directory as a problem instead of throwing', async () => {
    const problems = problemsOf(await loadConfigFile(join(FIXTURES, 'schemas')));
    expect(problems[0]?.message).toMatch(/^is a folder, not a file: /);
  });

  it('says why an included file cannot be read and names it once, as the include does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-unreadable-'));
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    writeFileSync(join(dir, 'organism.yaml'), 'name: looped\ninclude: [loop.yaml]\nlisteners: []\n');
    const problems = problemsOf(await loadConfigFile(join(dir, 'organism.yaml')));
    expect(problems.map((p) => p.message)).toEqual([
      'too many symbolic links (a link that leads to itself?): loop.yaml',
    ]);
    const main = problemsOf(await loadConfigFile(join(dir, 'loop.yaml')));
    expect(main.map((p) => p.message)).toEqual([
      `too many symbolic links (a link that leads to itself?): ${join(dir, 'loop.yaml')}`,
    ]);
  });
});

describe('a PostgreSQL journal', () => {
  const journal = (lines: string): ConfigResult =>
    parseConfig(`name: shared\njournal:\n${lines}\nlisteners: []\n`, 'organism.yaml');

  it('reads its URL, from the file or from an environment variable, and its schema', () => {
    const direct = journal('  driver: postgres\n  url: postgres://organism@db:5432/org\n  schema: billing');
    expect(direct.ok && direct.config.journal).toMatchObject({
      driver: 'postgres',
      url: 'postgres://organism@db:5432/org',
      schema: 'billing',
    });
    process.env['ORGANISM_TEST_DB'] = 'postgresql://u:secret@db/org';
    try {
      const fromEnv = journal('  driver: postgres\n  url: ${ORGANISM_TEST_DB}');
      expect(fromEnv.ok && fromEnv.config.journal.url).toBe('postgresql://u:secret@db/org');
    } finally {
      delete process.env['ORGANISM_TEST_DB'];
    }
  });

  it('says what is missing or wrong, at its line', () => {
    const problems = (lines: string): string[] => problemsOf(journal(lines)).map(formatProblem);
    expect(problems('  driver: postgres')).toEqual([
      'organism.yaml:3:11 journal.driver: a postgres journal needs url: postgres://user:password@host:5432/database, or ${ENV_VAR}',
    ]);
    expect(problems('  driver: postgres\n  url: ${ORGANISM_NOT_SET_ANYWHERE}')).toEqual([
      'organism.yaml:4:8 journal.url: environment variable ORGANISM_NOT_SET_ANYWHERE is not set',
    ]);
    expect(problems('  driver: postgres\n  url: mysql://db/org')).toEqual([
      'organism.yaml:4:8 journal.url: expected a postgres:// URL, such as postgres://user:password@host:5432/database',
    ]);
    expect(problems('  url: postgres://db/org')).toEqual([
      'organism.yaml:3:8 journal.url: url is for driver: postgres',
    ]);
    expect(problems('  driver: mongo')).toEqual([
      'organism.yaml:3:11 journal.driver: expected "sqlite" or "postgres"',
    ]);
    expect(problems('  driver: postgres\n  url: postgres://db/org\n  schema: Billing-EU')).toEqual([
      'organism.yaml:5:11 journal.schema: expected a plain schema name: lower-case letters, digits and _',
    ]);
    expect(problems('  schema: billing')).toEqual([
      'organism.yaml:3:11 journal.schema: schema is for driver: postgres',
    ]);
    expect(problems('  lease: 5s')).toEqual([
      'organism.yaml:3:10 journal.lease: lease is for driver: postgres',
    ]);
    expect(problems('  driver: postgres\n  url: postgres://db/org\n  heartbeat: 2s\n  lease: 5s')).toEqual([
      'organism.yaml:6:10 journal.lease: the lease (5000ms) must be at least 4 heartbeats (8000ms), or live engines would be taken for dead',
    ]);
    expect(problems('  driver: postgres\n  url: postgres://db/org\n  heartbeat: 10ms')).toEqual([
      'organism.yaml:5:14 journal.heartbeat: must be at least 50ms',
    ]);
    expect(problems('  reconnectGrace: 2s')).toEqual([
      'organism.yaml:3:19 journal.reconnectGrace: reconnectGrace is for driver: postgres',
    ]);
    expect(problems('  driver: postgres\n  url: postgres://db/org\n  reconnectGrace: soon')).toEqual([
      'organism.yaml:5:19 journal.reconnectGrace: "soon" is not a duration: milliseconds, or a string like "500ms", "5s", "2m"',
    ]);
  });

  it('reads the heartbeat, the lease and the reconnect grace of the engines sharing it', () => {
    const j = journal(
      '  driver: postgres\n  url: postgres://db/org\n  heartbeat: 250ms\n  lease: 3s\n  reconnectGrace: 2s',
    );
    expect(j.ok && j.config.journal).toMatchObject({ heartbeat: 250, lease: 3_000, reconnectGrace: 2_000 });
  });
});
