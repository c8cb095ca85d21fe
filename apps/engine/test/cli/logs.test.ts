import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { BIN, copyCrashOrganism, ENGINE_DIR, until } from '../support/organism-copy.ts';

interface RunOutput {
  code: number | null;
  stdout: string[];
  stderr: string;
}

/**
 * Runs `organism run` on a fresh copy of the crash organism with `--traffic`, waits until `enough`
 * says the output has what the test needs, then stops it with SIGTERM and returns every line.
 * `enough` also gets the organism's folder (its journal is `.organism/journal.sqlite` there).
 */
async function runEngine(
  extra: string[],
  enough: (lines: string[], dir: string) => boolean,
): Promise<RunOutput> {
  const { dir, yamlPath } = copyCrashOrganism({ traffic: true });
  const child = spawn(process.execPath, [BIN, 'run', yamlPath, '--port', '0', '--traffic=20', ...extra], {
    cwd: ENGINE_DIR,
    env: { ...process.env, ORGANISM_ADMIN_USER: 'root', ORGANISM_ADMIN_PASSWORD: 'logs-test-password' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = (): string[] => out.split('\n').filter((l) => l !== '');
  // Signals are handled once the engine is running (its start line is out); before that they end it.
  const running = (): boolean => lines().some((l) => l.includes('organism crash running on'));
  try {
    await until('log lines', () => (running() && enough(lines(), dir) ? true : undefined), 90_000);
  } catch (err) {
    throw new Error(`${String(err)}\nstdout:\n${out}\nstderr:\n${stderr}`);
  } finally {
    child.kill('SIGTERM');
  }
  return { code: await exited, stdout: lines(), stderr };
}

const parse = (lines: string[]): Record<string, unknown>[] =>
  lines.map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${l}`);
    }
  });
const received = (entries: Record<string, unknown>[]): Record<string, unknown>[] =>
  entries.filter((e) => e.event === 'message.received');

it('writes one JSON object per line, with the event fields and without listener states, when asked for json', async () => {
  const run = await runEngine(
    ['--log-format', 'json'],
    (lines) => lines.filter((l) => l.includes('"message.received"')).length >= 10,
  );
  expect(run.code).toBe(0);
  const entries = parse(run.stdout);
  for (const e of entries) {
    expect(typeof e.time).toBe('string');
    expect(['debug', 'info', 'warn', 'error']).toContain(e.level);
    expect(typeof e.msg).toBe('string');
  }
  expect(entries.find((e) => e.organism === 'crash')).toMatchObject({
    level: 'info',
    url: expect.stringMatching(/^http:\/\//) as unknown,
    durability: 'fast',
  });
  const hop = received(entries).find((e) => e.listener === 'front');
  expect(hop).toMatchObject({ level: 'info', event: 'message.received', listener: 'front', from: 'p' });
  expect(hop?.threadId).toMatch(/^[0-9a-f-]{36}$/);
  expect(typeof hop?.messageId).toBe('string');
  expect(entries.filter((e) => e.event === 'listener.state')).toEqual([]);
  expect(entries.at(-1)).toMatchObject({ level: 'info', msg: 'drained; journal checkpointed' });
}, 120_000);

it('keeps stdout all JSON when the journal fails under load: the outage, lost outcomes and recovery are JSON entries', async () => {
  // Another process (a tool, the CLI) holds the journal's write lock past the engine's 2 s busy
  // timeout: the engine's writes fail with SQLITE_BUSY, its hooks fail, intake is refused; then it lets go.
  let tool: Database.Database | undefined;
  const run = await runEngine(['--log-format', 'json'], (lines, dir) => {
    if (!tool && lines.filter((l) => l.includes('"message.received"')).length >= 5) {
      tool = new Database(join(dir, '.organism/journal.sqlite'));
      tool.exec('BEGIN IMMEDIATE');
      const held = tool;
      setTimeout(() => {
        held.exec('COMMIT');
        held.close();
      }, 3_000);
    }
    return lines.some((l) => l.includes('journal available again'));
  });
  expect(run.code).toBe(0);
  const entries = parse(run.stdout);
  // The engine's own lines (the event stream's journal.* events are logged beside them, by run).
  const engine = entries.filter((e) => e.component === 'engine');
  expect(engine.find((e) => String(e.msg).startsWith('journal unavailable'))).toMatchObject({
    level: 'error',
    component: 'engine',
    code: 'JOURNAL_UNAVAILABLE',
    reason: expect.stringMatching(/SQLITE_BUSY/) as unknown,
  });
  expect(engine.find((e) => String(e.msg).startsWith('journal available again'))).toMatchObject({
    level: 'info',
    component: 'engine',
    failedWrites: expect.any(Number) as unknown,
  });
  // Nothing went around the logger: no plain text on stderr either.
  expect(run.stderr).toBe('');
}, 120_000);

it('logs listener state changes at debug with --verbose; JSON is the default when stdout is not a terminal', async () => {
  const run = await runEngine(['--verbose'], (lines) =>
    lines.some((l) => l.includes('"listener.state"') && l.includes('"listener":"front"')),
  );
  expect(run.code).toBe(0);
  const state = parse(run.stdout).find((e) => e.event === 'listener.state' && e.listener === 'front');
  expect(state).toMatchObject({ level: 'debug', event: 'listener.state', listener: 'front' });
  expect(['idle', 'processing']).toContain(state?.state);
}, 120_000);

it('prints human lines for a terminal with --log-format pretty, still without listener states', async () => {
  const run = await runEngine(
    ['--log-format', 'pretty'],
    (lines) => lines.filter((l) => l.includes(' front ← p ')).length >= 5,
  );
  expect(run.code).toBe(0);
  for (const line of run.stdout) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} /);
  expect(run.stdout.join('\n')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} organism crash running on http:\/\//m);
  expect(run.stdout.filter((l) => l.includes(' listener '))).toEqual([]);
  expect(run.stdout.at(-1)).toMatch(/ drained; journal checkpointed$/);
}, 120_000);

it('refuses an unknown log format with the accepted values', async () => {
  const child = spawn(process.execPath, [BIN, 'run', '--log-format', 'xml'], {
    cwd: ENGINE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('--log-format must be one of json, pretty, not "xml"');
});
