import { describe, expect, it } from 'vitest';
import { noteOf, versionLabel, versionsOf } from './versions';

describe('versions', () => {
  const history = [
    { id: 'b2', at: 2_000, actor: 'admin', note: 'rollback to a1' },
    { id: 'a1', at: 1_000, actor: 'admin', note: 'sleeper: longer timeout' },
  ];

  it('numbers the versions oldest first, the running one newest, each with who saved it', () => {
    const versions = versionsOf(history);
    expect(versions.map((v) => [v.id, v.number, v.savedBy ?? null])).toEqual([
      ['running', 3, 'admin'],
      ['b2', 2, 'admin'],
      ['a1', 1, null],
    ]);
  });

  it('marks the newest as on disk, not running, when the file is not what runs', () => {
    const [disk] = versionsOf(history, true);
    expect(disk).toMatchObject({ id: 'running', running: true, notRunning: true });
    expect(versionLabel(disk!)).toBe('version 3 (on disk, not running)');
    expect(versionLabel(versionsOf(history)[0]!)).toBe('version 3 (running)');
  });

  it("names a rollback's version by its number, or says it is no longer kept", () => {
    const versions = versionsOf(history);
    expect(noteOf('rollback to a1', versions)).toBe('rolled back to version 1');
    expect(noteOf('rollback to gone', versions)).toBe('rolled back to a version no longer kept');
    expect(noteOf('sleeper: longer timeout', versions)).toBe('sleeper: longer timeout');
  });
});
