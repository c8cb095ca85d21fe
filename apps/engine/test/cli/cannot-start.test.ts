import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANNOT_START_EXIT_CODE } from '../../src/lifecycle/supervisor.ts';
import { cannotListen } from '../../src/commands/run.ts';
import { echoOrganism, spawnOrganism } from './organism-process.ts';
import type { OrganismProcess } from './organism-process.ts';

/** Its exit code once it ends by itself, or 'still running' after 40 s; stopped either way. */
async function exitOrStop(p: OrganismProcess): Promise<unknown> {
  const code = await Promise.race([
    p.exited,
    new Promise((r) => setTimeout(() => r('still running'), 40_000)),
  ]);
  await p.stop();
  return code;
}

// What no retry can fix ends the engine with 78, and its supervisor with it, instead of a restart every
// few seconds for ever (docs/operations.md, "Start and stop").
describe('an engine that cannot start as configured', { timeout: 60_000 }, () => {
  it('stops `organism start` on a journal that is not a SQLite database, after one try', async () => {
    const org = await echoOrganism();
    mkdirSync(dirname(org.journal), { recursive: true });
    writeFileSync(org.journal, 'this is not a database\n'.repeat(400));
    const p = spawnOrganism(['start', org.yaml]);
    const code = await exitOrStop(p);
    expect(code, p.output()).toBe(CANNOT_START_EXIT_CODE);
    const out = p.output();
    expect(out).toContain('is corrupt or not a SQLite database');
    expect(out.match(/engine started \(pid/g)).toHaveLength(1);
    expect(out).toContain('engine cannot start as configured (exit 78): not starting it again');
    expect(out).not.toContain('restarting in');
  });

  it('says which variable holds a first admin password that is too short, with no stack', async () => {
    const org = await echoOrganism();
    const p = spawnOrganism(['run', org.yaml], { env: { ORGANISM_ADMIN_PASSWORD: 'short' } });
    expect(await p.exited, p.output()).toBe(CANNOT_START_EXIT_CODE);
    const out = p.output();
    expect(out).toContain(
      'cannot create the first admin \\"root\\" from ORGANISM_ADMIN_PASSWORD: password must be at least 8 characters (it has 5)',
    );
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('says that ORGANISM_ADMIN_USER holds a name the API refuses, with no stack', async () => {
    const org = await echoOrganism();
    const p = spawnOrganism(['run', org.yaml], { env: { ORGANISM_ADMIN_USER: 'bad name!' } });
    expect(await p.exited, p.output()).toBe(CANNOT_START_EXIT_CODE);
    expect(p.output()).toContain(
      'cannot create the first admin \\"bad name!\\" from ORGANISM_ADMIN_USER: only letters, digits and . _ - @ (no spaces)',
    );
    expect(p.output()).not.toMatch(/\n\s+at /);
  });

  it('stops `organism start` on a port another process has, in one line, having created nothing', async () => {
    const org = await echoOrganism();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const { port } = holder.address() as AddressInfo;
    try {
      const p = spawnOrganism(['start', org.yaml, '--port', String(port)]);
      const code = await exitOrStop(p);
      const out = p.output();
      expect(code, out).toBe(CANNOT_START_EXIT_CODE);
      expect(out).toContain(
        `cannot listen on 127.0.0.1:${port}: another process has that port (another engine, or the demo?). Stop it, or give this engine another port: --port N, or server.port in organism.yaml`,
      );
      expect(out).toContain('engine cannot start as configured (exit 78): not starting it again');
      // The port is looked at before the journal opens: no journal, no boot, no first admin (whose
      // generated password would be printed for an engine that never served).
      expect(out).not.toContain('created admin user');
      expect(out).not.toContain('system.boot');
      expect(existsSync(org.journal)).toBe(false);
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  });

  it('stops `organism start` on a journal folder it cannot make (a file in its place), after one try', async () => {
    const org = await echoOrganism();
    writeFileSync(dirname(org.journal), 'a file where the journal folder goes\n');
    const p = spawnOrganism(['start', org.yaml]);
    const code = await exitOrStop(p);
    const out = p.output();
    expect(code, out).toBe(CANNOT_START_EXIT_CODE);
    expect(out).toContain(`journal ${org.journal} cannot create its folder ${dirname(org.journal)}`);
    expect(out).toContain('engine cannot start as configured (exit 78): not starting it again');
    expect(out).not.toContain('restarting in');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('stops `organism start` on a configuration it cannot load, exit 78, starting no engine', async () => {
    const org = await echoOrganism();
    writeFileSync(org.yaml, `${readFileSync(org.yaml, 'utf8')}\npump:\n  maxDepht: 5\n`);
    const p = spawnOrganism(['start', org.yaml]);
    expect(await p.exited, p.output()).toBe(CANNOT_START_EXIT_CODE);
    expect(p.output()).toContain('pump.maxDepht: unknown key \\"maxDepht\\"; did you mean \\"maxDepth\\"?');
    expect(p.output()).not.toContain('engine started');
    expect(existsSync(org.journal)).toBe(false);
  });

  it('stops on a server.host that names no machine, in one line, exit 78', async () => {
    const org = await echoOrganism();
    writeFileSync(
      org.yaml,
      readFileSync(org.yaml, 'utf8').replace('server:\n', 'server:\n  host: no-such-host.invalid\n'),
    );
    const p = spawnOrganism(['run', org.yaml]);
    expect(await p.exited, p.output()).toBe(CANNOT_START_EXIT_CODE);
    expect(p.output()).toContain(
      '\\"no-such-host.invalid\\" is not a name this machine can resolve; server.host in organism.yaml takes a host name or an address (127.0.0.1, 0.0.0.0, ::), without a port',
    );
    expect(p.output()).not.toMatch(/\n\s+at /);
    expect(existsSync(org.journal)).toBe(false);
  });

  it('refuses a port above 65535 in one line, exit 2, before it opens anything (run and start)', async () => {
    const org = await echoOrganism();
    for (const command of ['run', 'start']) {
      const p = spawnOrganism([command, org.yaml, '--port', '99999']);
      expect(await p.exited, p.output()).toBe(2);
      expect(p.output()).toContain('--port 99999: a port is at most 65535');
      expect(p.output()).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(org.journal)).toBe(false);
  });

  it('says why it cannot listen for each cause it can name, and leaves others to the caller', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(cannotListen(err('EACCES'), '0.0.0.0', 80)).toBe(
      'cannot listen on 0.0.0.0:80: this user may not take that port (below 1024 needs privileges); give this engine another port: --port N, or server.port in organism.yaml',
    );
    expect(cannotListen(err('EADDRNOTAVAIL'), '::1', 7070)).toBe(
      'cannot listen on [::1]:7070: no network interface of this machine has that address; check server.host in organism.yaml',
    );
    expect(cannotListen(err('ENOTFOUND'), 'localhost:7070', 7070)).toMatch(
      /^cannot listen on \[localhost:7070\]:7070: "localhost:7070" is not a name this machine can resolve; .* without a port$/,
    );
    expect(cannotListen(err('EMFILE'), '127.0.0.1', 7070)).toBeUndefined();
  });
});
