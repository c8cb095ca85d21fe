import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/organism.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../src/config/fixtures/', import.meta.url));
const exec = promisify(execFile);

async function organism(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args]);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('organism token create --from', () => {
  // Each command is a process of its own: a few seconds each on a busy machine.
  it('binds the token to the producer names given, and lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
    for (const f of ['minimal.yaml', 'schemas', 'handlers'])
      cpSync(join(FIXTURES, f), join(dir, f), { recursive: true });
    const config = join(dir, 'minimal.yaml');
    const made = await organism(
      'token',
      'create',
      'billing',
      '--from',
      'billing,console:Jane Doe',
      '-c',
      config,
    );
    expect(made.code, made.out).toBe(0);
    const list = await organism('token', 'list', '-c', config);
    expect(list.out).toMatch(/billing\s+active\s+from billing,console:Jane Doe\n/);
    const blank = await organism('token', 'create', 'bad', '--from', 'billing, ', '-c', config);
    expect(blank).toMatchObject({
      code: 1,
      out: expect.stringContaining('--from " ": a producer name may not be blank') as string,
    });
  }, 60_000);
});
