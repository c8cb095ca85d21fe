import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { openOperatorFile } from '../../src/journal/index.ts';
import { copyDemo } from '../support/server-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/organism.js', import.meta.url));

it('reloads organism.yaml on SIGHUP, refuses a broken one and keeps running, and stops on SIGTERM', async () => {
  const dir = copyDemo('organism-sighup-');
  const yamlPath = join(dir, 'organism.yaml');
  const original = readFileSync(yamlPath, 'utf8').replace('name: demo', 'name: demo\nserver:\n  port: 0');
  writeFileSync(yamlPath, original);
  const child = spawn(process.execPath, [BIN, 'run', yamlPath], {
    env: { ...process.env, ORGANISM_ADMIN_PASSWORD: 'sighup-test-pw' },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const waitFor = async (text: string): Promise<void> => {
    const end = Date.now() + 20_000;
    while (!out.includes(text)) {
      if (Date.now() > end) throw new Error(`no "${text}" in:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor('running on');
  writeFileSync(
    yamlPath,
    original.replace(
      '  - name: sleeper',
      '  - name: echo\n    description: Shouts back.\n    payload: { schema: schemas/shouter.xsd }\n    handler: ./handlers/shouter.ts#shout\n\n  - name: sleeper',
    ),
  );
  child.kill('SIGHUP');
  await waitFor('reload +[echo] -[] ~[]');
  // A setting only the next start reads is said as such, not taken as applied.
  const withEcho = readFileSync(yamlPath, 'utf8');
  writeFileSync(yamlPath, withEcho.replace('server:\n  port: 0', 'server:\n  port: 0\n  host: 0.0.0.0'));
  child.kill('SIGHUP');
  await waitFor('reload +[] -[] ~[]; at the next restart: server.host');
  writeFileSync(yamlPath, original.replace('listeners:', 'listeners: [oops'));
  child.kill('SIGHUP');
  await waitFor('reload refused; still running the previous configuration');
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  expect(out).toContain('drained; journal checkpointed');
  // Each reload is in the audit log, by the signal, the refused one with its problem at its place.
  const operators = await openOperatorFile({
    path: join(dir, '.organism/journal.sqlite'),
    durability: 'fast',
  });
  try {
    const reloads = await operators.store.listAudit({ limit: 10, action: 'organism.reload' });
    expect(reloads.items.map((e) => [e.actor, e.target, e.outcome])).toEqual([
      ['signal:SIGHUP', yamlPath, 'error'],
      ['signal:SIGHUP', yamlPath, 'ok'],
      ['signal:SIGHUP', yamlPath, 'ok'],
    ]);
    expect(reloads.items[0]?.error).toMatch(
      /^the configuration was not reloaded: it has problems: organism\.yaml:\d+:\d+: invalid YAML: /,
    );
  } finally {
    await operators.close();
  }
}, 60_000);
