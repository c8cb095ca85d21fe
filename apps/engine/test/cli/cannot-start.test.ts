import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANNOT_START_EXIT_CODE } from '../../src/lifecycle/supervisor.ts';
import { echoOrganism, spawnOrganism } from './organism-process.ts';

// What no retry can fix ends the engine with 78, and its supervisor with it, instead of a restart every
// few seconds for ever (docs/operations.md, "Start and stop").
describe('an engine that cannot start as configured', { timeout: 60_000 }, () => {
  it('stops `organism start` on a journal that is not a SQLite database, after one try', async () => {
    const org = await echoOrganism();
    mkdirSync(dirname(org.journal), { recursive: true });
    writeFileSync(org.journal, 'this is not a database\n'.repeat(400));
    const p = spawnOrganism(['start', org.yaml]);
    const code = await Promise.race([
      p.exited,
      new Promise((r) => setTimeout(() => r('still running'), 40_000)),
    ]);
    await p.stop();
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
});
