import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficJoined } from '../../src/cli.ts';
import { organism } from './organism-process.ts';
import { copyDemo, DEMO, startHarness, writeInto } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

// Each test runs the CLI, a process that loads the engine's source: up to 10 s apiece beside the suite.
describe('the organism command', { timeout: 90_000 }, () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('checks an organism and summarises it', async () => {
    const { code, out } = await organism('check', DEMO);
    expect(code).toBe(0);
    expect(out).toContain('organism demo: 8 listeners, 7 schemas compiled, 8 handlers resolved');
    expect(out).toMatch(/^ {2}failure-notifier +extension extensions\/failure-notifier\.ts$/m);
  });

  it('checks an organism with an included file, naming where each listener is declared', async () => {
    const dir = copyDemo('organism-cli-include-');
    const yaml = readFileSync(join(dir, 'organism.yaml'), 'utf8');
    // The sleeper moves to features/sleep/sleep.yaml, its paths now written from there.
    const start = yaml.indexOf('  - name: sleeper');
    const sleeper = yaml
      .slice(start)
      .replace(/schemas\//g, '../../schemas/')
      .replace(/\.\/handlers\//g, '../../handlers/');
    mkdirSync(join(dir, 'features/sleep'), { recursive: true });
    writeFileSync(join(dir, 'features/sleep/sleep.yaml'), `listeners:\n${sleeper}`);
    writeFileSync(
      join(dir, 'organism.yaml'),
      yaml.slice(0, start).replace('\nlisteners:', '\ninclude: [features/sleep/sleep.yaml]\nlisteners:'),
    );
    const { code, out } = await organism('check', join(dir, 'organism.yaml'));
    expect(code, out).toBe(0);
    expect(out).toContain('organism demo: 8 listeners');
    expect(out).toMatch(/^ {2}sleeper +nap +\(features\/sleep\/sleep\.yaml\)$/m);
    expect(out).toMatch(/^ {2}included features\/sleep\/sleep\.yaml$/m);

    writeFileSync(
      join(dir, 'features/sleep/sleep.yaml'),
      `listeners:\n${sleeper.replace('timeout:', 'tiemout:')}`,
    );
    const broken = await organism('check', join(dir, 'organism.yaml'));
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /features\/sleep\/sleep\.yaml:\d+:\d+ listeners\[0\]\.tiemout: unknown key "tiemout"; did you mean "timeout"\?/,
    );
  });

  it('prints each problem of a broken organism with its place and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
    writeFileSync(
      join(dir, 'organism.yaml'),
      'name: broken\nlisteners:\n  - name: a\n    description: x\n    payload: { schema: nope.xsd }\n    handler: ./h.ts#h\n',
    );
    const { code, out } = await organism('check', join(dir, 'organism.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('organism.yaml:5:24 listeners[0].payload.schema: file not found: nope.xsd');
    expect(out).toContain('listeners[0].handler: handler module not found: ./h.ts');
  });

  it("refuses a listener's filter that is not XPath 1.0 in its own words, libxml2 printing nothing", async () => {
    const dir = copyDemo('organism-cli-filter-');
    const yaml = join(dir, 'organism.yaml');
    const given = readFileSync(yaml, 'utf8');
    expect(given).toContain('filter: /order[line/quantity > 20]');
    for (const [filter, problem] of [
      ['/order[line/quantity >> 20]', 'not an XPath 1.0 expression: invalid expression'],
      ['/order[foo(line)]', 'not an XPath 1.0 expression: no function foo()'],
    ] as const) {
      writeFileSync(yaml, given.replace('/order[line/quantity > 20]', filter));
      const { code, out } = await organism('check', yaml);
      expect(code).toBe(1);
      expect(out).toMatch(
        new RegExp(
          `organism\\.yaml:\\d+:\\d+ listeners\\[5\\]\\.filter: ${problem.replace(/[()]/g, '\\$&')}`,
        ),
      );
      expect(out).not.toContain('XPath error');
    }
  });

  it('sends a payload wrapped in an envelope, and reports a refusal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
    const send = (payload: string, token: string) => {
      const file = join(dir, 'payload.xml');
      writeFileSync(file, payload);
      return organism('send', '--to', 'greeter', file, '--token', token, '--url', h.url);
    };
    const sent = await send('<greeting><name>CLI</name></greeting>', h.token);
    expect(sent.code).toBe(0);
    expect(sent.out).toMatch(/^202 \{"messageId"/);
    const refused = await send('<greeting><name>CLI</name></greeting>', 'org_wrong');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^401 /);
    // The envelope send wraps a payload in has a prefix; the problem's XPath is the one curl gets.
    const invalid = await send('<greeting><nom>CLI</nom></greeting>', h.token);
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/^400 .*"code":"SCHEMA_VIOLATION".*"path":"\/\*\/greeting\/nom"/);
  });

  it('says what was wrong with the command line or the target, without a stack trace', async () => {
    const unknown = await organism('run', DEMO, '--bogus');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.out).toContain("Unknown option '--bogus'");
    expect(unknown.out).not.toContain('    at ');
    const port = await organism('run', DEMO, '--port', 'seven');
    expect(port).toMatchObject({ code: 2 });
    expect(port.out).toContain('--port must be a whole number, not "seven"');
    const traffic = await organism('run', DEMO, '--traffic=lots');
    expect(traffic).toMatchObject({ code: 2 });
    expect(traffic.out).toContain(
      '--traffic takes a rate, messages a second above 0 (--traffic=5), not "lots"',
    );
    const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
    writeFileSync(join(dir, 'greeting.xml'), '<greeting><name>CLI</name></greeting>');
    const down = await organism(
      'send',
      '--to',
      'greeter',
      join(dir, 'greeting.xml'),
      '--token',
      't',
      '--url',
      'http://127.0.0.1:9',
    );
    expect(down).toMatchObject({ code: 1 });
    expect(down.out).toContain('cannot reach the engine at http://127.0.0.1:9 (is it running?)');
  }, 60_000);

  it('says a handler read as CommonJS is, and where one that does not parse is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-cli-handlers-'));
    const listener = (name: string, file: string) =>
      `  - name: ${name}\n    description: d\n    payload: { schema: schemas/g.xsd }\n    handler: handlers/${file}#greet\n`;
    for (const [path, text] of Object.entries({
      'schemas/g.xsd':
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="g" type="xs:string"/></xs:schema>',
      // No package.json saying "type": "module": Node reads .js as CommonJS.
      'handlers/esm.js': 'export function greet() { return "<g>hi</g>"; }\n',
      'handlers/bad.js': 'export function greet() {\n  return <g>hi</g>;\n}\n',
      'organism.yaml': `name: t\nlisteners:\n${listener('a', 'esm.js')}${listener('b', 'bad.js')}`,
    }))
      writeInto(dir, path, text);
    const checked = await organism('check', join(dir, 'organism.yaml'));
    expect(checked.code).toBe(1);
    expect(checked.out).toContain(
      'organism.yaml:6:14 listeners[0].handler: handlers/esm.js#greet: the module was read as CommonJS, where its exports are not seen (handlers are ES modules: put a package.json with "type": "module" beside organism.yaml, or name the file .mts/.mjs)',
    );
    expect(checked.out).toMatch(
      /organism\.yaml:10:14 listeners\[1\]\.handler: handler module handlers\/bad\.js#greet does not parse: handlers\/bad\.js:2:10: /,
    );
  }, 60_000);

  it('reads a number after --traffic as its rate, and anything else as the next argument', () => {
    expect(trafficJoined(['run', '--traffic', '5', 'o.yaml'])).toEqual(['run', '--traffic=5', 'o.yaml']);
    expect(trafficJoined(['run', 'o.yaml', '--traffic', '0.5'])).toEqual(['run', 'o.yaml', '--traffic=0.5']);
    expect(trafficJoined(['run', '--traffic', 'o.yaml'])).toEqual(['run', '--traffic=', 'o.yaml']);
    expect(trafficJoined(['run', 'o.yaml', '--traffic'])).toEqual(['run', 'o.yaml', '--traffic=']);
    expect(trafficJoined(['run', '--traffic=3', '7'])).toEqual(['run', '--traffic=3', '7']);
  });

  it('names the subcommands of user and token when none or an unknown one is given', async () => {
    // Run where there is no organism.yaml: the subcommand is checked before the config is read.
    expect(await organism('user')).toEqual({
      code: 2,
      out: 'organism user: give a subcommand: add, list, remove, password\n',
    });
    expect(await organism('token')).toEqual({
      code: 2,
      out: 'organism token: give a subcommand: create, list, revoke\n',
    });
    expect(await organism('user', 'delete', 'alice')).toEqual({
      code: 2,
      out: 'organism user: unknown subcommand "delete"; give one of: add, list, remove, password\n',
    });
  });
});
