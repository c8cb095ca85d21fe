import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { organism } from './organism-process.ts';

const FIXTURES = fileURLToPath(new URL('../../src/config/fixtures/', import.meta.url));

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
