import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { organism } from './organism-process.ts';

const FIXTURES = fileURLToPath(new URL('../../src/config/fixtures/', import.meta.url));

/** A copy of the minimal organism (one listener, greeter) with a journal of its own; its config file. */
function minimalOrganism(): string {
  const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
  for (const f of ['minimal.yaml', 'schemas', 'handlers'])
    cpSync(join(FIXTURES, f), join(dir, f), { recursive: true });
  return join(dir, 'minimal.yaml');
}

// Each command is a process of its own: a few seconds each on a busy machine.
describe('organism token create --from', { timeout: 60_000 }, () => {
  it('binds the token to the producer names given, and lists them', async () => {
    const config = minimalOrganism();
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
  });

  it('refuses a listener’s or the engine’s name, whose envelopes the engine would refuse', async () => {
    const config = minimalOrganism();
    const listener = await organism('token', 'create', 'shop', '--from', 'shop,greeter', '-c', config);
    expect(listener).toEqual({
      code: 1,
      out: '--from "greeter": greeter is a listener of this organism: a producer may not send as a listener (SENDER_RESERVED)\n',
    });
    const system = await organism('token', 'create', 'shop', '--from', 'system.boot', '-c', config);
    expect(system).toEqual({
      code: 1,
      out: '--from "system.boot": system.boot is reserved for the engine: a producer may not send as system or system.* (SENDER_RESERVED)\n',
    });
    expect(await organism('token', 'list', '-c', config)).toEqual({ code: 0, out: '' });
  });
});
