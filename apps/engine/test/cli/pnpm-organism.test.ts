import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { echoOrganism, REPO } from './organism-process.ts';

/** Runs `pnpm -s …` in `cwd` (-s: without pnpm's banner), as someone typing it there would. */
function pnpm(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', ...args], { cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe('pnpm organism', () => {
  it('runs the organism command from the repository root, with paths relative to it', async () => {
    const { code, out } = await pnpm(['organism', 'check', 'examples/demo/organism.yaml'], REPO);
    expect(out).toContain('organism demo: 8 listeners, 7 schemas compiled, 8 handlers resolved');
    expect(code).toBe(0);
  }, 60_000);

  it('finds ./organism.yaml in the folder it was typed in, not in the repository root', async () => {
    const org = await echoOrganism();
    const { code, out } = await pnpm(['--dir', REPO, 'organism', 'check'], org.dir);
    expect(out).toContain('organism echo: 1 listeners, 1 schemas compiled, 1 handlers resolved');
    expect(code).toBe(0);
  }, 60_000);
});
