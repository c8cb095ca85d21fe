import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, REPO } from './organism-process.ts';

const LOGGER = fileURLToPath(new URL('../support/log-modules.mjs', import.meta.url));
const ECHO = fileURLToPath(new URL('../fixtures/organisms/echo', import.meta.url));
const SRC = new URL('../../src/', import.meta.url).href;

/** Runs `organism …` and returns its exit code and the engine modules it loaded, relative to src/. */
function modulesOf(args: string[]): Promise<{ code: number; out: string; engine: string[]; all: string[] }> {
  const log = join(mkdtempSync(join(tmpdir(), 'organism-modules-')), 'modules.txt');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', LOGGER, BIN, ...args],
      { cwd: REPO, env: { ...process.env, MODULE_LOG: log } },
      (err, stdout, stderr) => {
        const all = readFileSync(log, 'utf8').split('\n').filter(Boolean);
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          out: stdout + stderr,
          engine: all.filter((u) => u.startsWith(SRC)).map((u) => u.slice(SRC.length)),
          all,
        });
      },
    );
  });
}

// Every module a command imports costs its process a round trip to tsx's loader thread: a command
// imports its own module, not the others', and PostgreSQL's only for a PostgreSQL journal.
describe('what the organism command imports', { timeout: 60_000 }, () => {
  it('prints its usage without importing any command', async () => {
    const r = await modulesOf(['--help']);
    expect(r.out).toContain('usage: organism <command>');
    expect(r.engine).toContain('cli.ts');
    expect(r.engine.filter((m) => m.startsWith('commands/'))).toEqual([]);
  });

  it('lists users without the engine, its server or PostgreSQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-modules-'));
    cpSync(ECHO, dir, { recursive: true });
    const r = await modulesOf(['user', 'list', '-c', join(dir, 'organism.yaml')]);
    expect(r.code, r.out).toBe(0);
    expect(r.engine).toContain('commands/operators.ts');
    expect(r.engine).toContain('journal/operators/sqlite-operator-store.ts');
    const engine = /^(main\.ts|engine\.ts|pump\/message-pump\.ts|lifecycle\/organism-loader\.ts)$/;
    expect(r.engine.filter((m) => engine.test(m) || /^(server|api|journal\/postgres)\//.test(m))).toEqual([]);
    expect(r.all.filter((u) => /\/node_modules\/(pg|@trpc\/server)\//.test(u))).toEqual([]);
  });

  it('checks an organism without the journal or the server', async () => {
    const r = await modulesOf(['check', join(ECHO, 'organism.yaml')]);
    expect(r.code, r.out).toBe(0);
    expect(r.engine).toContain('commands/check.ts');
    expect(r.engine.filter((m) => /^(server|api|journal)\//.test(m))).toEqual([]);
    expect(r.all.filter((u) => /\/node_modules\/(drizzle-orm|pg|@trpc\/server)\//.test(u))).toEqual([]);
  });
});
