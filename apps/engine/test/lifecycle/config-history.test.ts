import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigHistoryError, configVersion } from '../../src/lifecycle/config-manager.ts';
import {
  AUDIT,
  expectNothingChanged,
  f,
  GREETER,
  names,
  NEXT,
  ORIGINAL,
  useConfigManager,
} from '../support/config-manager-fixture.ts';

// organism.yaml written by the console: applied, kept in history, read back and rolled back.
useConfigManager();

describe('apply', () => {
  it('writes the new text by replacing the file and keeps the old text in history', async () => {
    const inode = statSync(f.file).ino;
    const result = await f.manager.apply(NEXT, 'alice', 'add audit');
    expect(result).toMatchObject({ ok: true, added: ['audit'], removed: ['orders'] });
    await expect(f.manager.read()).resolves.toBe(NEXT);
    expect(statSync(f.file).ino).not.toBe(inode);
    expect(readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const history = await f.manager.history();
    expect(history).toEqual([
      {
        id: expect.any(String) as string,
        at: expect.any(Number) as number,
        actor: 'alice',
        note: 'add audit',
        file: expect.any(String) as string,
        includes: [],
      },
    ]);
    const [entry] = history;
    expect(dirname(entry?.file ?? '')).toBe(join(f.dir, '.organism', 'config-history'));
    expect(readFileSync(entry?.file ?? '', 'utf8')).toBe(ORIGINAL);
    expect(existsSync(entry?.file.replace(/\.yaml$/, '.json') ?? '')).toBe(true);
    expect(names(f.running())).toEqual(['greeter', 'audit']);
  });

  it('writes nothing and records nothing when the text is invalid', async () => {
    const result = await f.manager.apply('name: live\nlisteners: 3\n', 'alice');
    expect(result.ok).toBe(false);
    expect(readFileSync(f.file, 'utf8')).toBe(ORIGINAL);
    await expect(f.manager.history()).resolves.toEqual([]);
    expectNothingChanged();
  });

  it('serializes concurrent applies: each saves the text the one before it wrote', async () => {
    const third = `${ORIGINAL}${AUDIT}`;
    const results = await Promise.all([
      f.manager.apply(NEXT, 'alice', 'first'),
      f.manager.apply(third, 'bob', 'second'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(readFileSync(f.file, 'utf8')).toBe(third);
    expect(f.swaps.map(names)).toEqual([
      ['greeter', 'audit'],
      ['greeter', 'orders', 'audit'],
    ]);
    const history = await f.manager.history();
    expect(history.map((e) => e.note)).toEqual(['second', 'first']);
    expect(history.map((e) => readFileSync(e.file, 'utf8'))).toEqual([NEXT, ORIGINAL]);
  });

  it('takes one of two applies begun from the same version, and refuses the other with CONFLICT', async () => {
    const base = configVersion(await f.manager.read());
    const results = await Promise.allSettled([
      f.manager.apply(NEXT, 'alice', 'first', base),
      f.manager.apply(`${ORIGINAL}${AUDIT}`, 'bob', 'second', base),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(readFileSync(f.file, 'utf8')).toBe(NEXT);
    expect((await f.manager.history()).map((e) => e.note)).toEqual(['first']);
    // From the version it now is, the second goes through.
    await f.manager.apply(`${ORIGINAL}${AUDIT}`, 'bob', 'second', configVersion(NEXT));
    expect(readFileSync(f.file, 'utf8')).toBe(`${ORIGINAL}${AUDIT}`);
  });

  it('refuses an apply begun from a version of a file since removed from disk with CONFLICT, writing nothing', async () => {
    const base = configVersion(await f.manager.read());
    rmSync(f.file);
    await expect(f.manager.apply(NEXT, 'alice', undefined, base)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/gone from disk/) as unknown,
    });
    expect(existsSync(f.file)).toBe(false);
    expectNothingChanged();
  });
});

describe('rollback', () => {
  it('refuses a rollback begun from a version the file has moved on from with CONFLICT', async () => {
    await f.manager.apply(NEXT, 'alice');
    const [entry] = await f.manager.history();
    if (!entry) throw new Error('no history');
    const seen = configVersion(NEXT);
    await f.manager.apply(`${NEXT}# bob's comment\n`, 'bob');
    await expect(f.manager.rollback(entry.id, 'carol', seen)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(f.file, 'utf8')).toBe(`${NEXT}# bob's comment\n`);
    expect(
      await f.manager.rollback(entry.id, 'carol', configVersion(`${NEXT}# bob's comment\n`)),
    ).toMatchObject({
      ok: true,
    });
    expect(readFileSync(f.file, 'utf8')).toBe(ORIGINAL);
  });

  it('restores the text of a history entry and swaps it in', async () => {
    await f.manager.apply(NEXT, 'alice');
    const [entry] = await f.manager.history();
    const result = await f.manager.rollback(entry?.id ?? '', 'bob');
    expect(result).toEqual({ ok: true, added: ['orders'], removed: ['audit'], updated: ['greeter'] });
    expect(readFileSync(f.file, 'utf8')).toBe(ORIGINAL);
    expect(names(f.running())).toEqual(['greeter', 'orders']);
    const history = await f.manager.history();
    expect(history[0]).toMatchObject({ actor: 'bob', note: `rollback to ${entry?.id ?? ''}` });
    expect(readFileSync(history[0]?.file ?? '', 'utf8')).toBe(NEXT);
  });

  it('answers the text of a saved version, and NOT_FOUND for an unknown one', async () => {
    await f.manager.apply(NEXT, 'alice');
    const [entry] = await f.manager.history();
    await expect(f.manager.version(entry?.id ?? '')).resolves.toBe(ORIGINAL);
    await expect(f.manager.version('0badc0de')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an unknown entry with NOT_FOUND', async () => {
    await expect(f.manager.rollback('0badc0de', 'bob')).rejects.toBeInstanceOf(ConfigHistoryError);
    await expect(f.manager.rollback('0badc0de', 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expectNothingChanged();
  });
});

describe('included files', () => {
  const INCLUDING = `name: live\ninclude: [features/audit.yaml]\nlisteners:\n${GREETER}`;
  // The included file's paths resolve beside it: its schema and handler are one folder up.
  const auditFile = (description: string): string =>
    `listeners:\n${AUDIT.replace('Keeps an audit trail.', description).replace('schemas/', '../schemas/').replace('./handlers/', '../handlers/')}`;

  it('are reloaded with organism.yaml, kept in history with it, and restored by a rollback', async () => {
    mkdirSync(join(f.dir, 'features'));
    const included = join(f.dir, 'features/audit.yaml');
    writeFileSync(included, auditFile('First trail.'));
    expect(await f.manager.apply(INCLUDING, 'alice')).toEqual({
      ok: true,
      added: ['audit'],
      removed: ['orders'],
      updated: [],
    });
    expect(f.running().config.listeners.find((l) => l.name === 'audit')?.description).toBe('First trail.');

    // Edited on disk, taken by a reload; a second apply keeps both files as they were in its entry.
    writeFileSync(included, auditFile('Second trail.'));
    expect(await f.manager.reload('alice')).toMatchObject({ ok: true, updated: ['audit'] });
    await f.manager.apply(INCLUDING.replace('name: live', 'name: live2'), 'alice', 'renamed');
    const [entry] = await f.manager.history();
    expect(entry).toMatchObject({ note: 'renamed', includes: ['features/audit.yaml'] });
    expect(await f.manager.included(entry?.id ?? '')).toEqual([
      { file: 'features/audit.yaml', yaml: auditFile('Second trail.') },
    ]);

    // The included file changes again; rolling back to the entry writes back both files.
    writeFileSync(included, auditFile('Third trail.'));
    expect(await f.manager.rollback(entry?.id ?? '', 'bob')).toMatchObject({ ok: true });
    expect(readFileSync(f.file, 'utf8')).toBe(INCLUDING);
    expect(readFileSync(included, 'utf8')).toBe(auditFile('Second trail.'));
    expect(f.running().config.listeners.find((l) => l.name === 'audit')?.description).toBe('Second trail.');
  });

  it('report a problem in an included file at that file, and change nothing', async () => {
    mkdirSync(join(f.dir, 'features'));
    writeFileSync(
      join(f.dir, 'features/audit.yaml'),
      auditFile('Trail.').replace('../schemas/audit.xsd', '../schemas/broken.xsd'),
    );
    const result = await f.manager.apply(INCLUDING, 'alice');
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[0]).toMatchObject({
      file: 'features/audit.yaml',
      line: 4,
      path: 'listeners[0].payload.schema',
      message: 'schema schemas/broken.xsd does not compile',
    });
    expectNothingChanged();
  });
});
