import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemo, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

// The demo with its sleeper moved into features/sleep/sleep.yaml, which organism.yaml includes.
let h: ServerHarness;
let dir: string;
let main: string;
let sleeper: string;
beforeAll(async () => {
  dir = copyDemo('organism-includes-');
  const yaml = readFileSync(join(dir, 'organism.yaml'), 'utf8');
  const start = yaml.indexOf('  - name: sleeper');
  sleeper = `listeners:\n${yaml
    .slice(start)
    .replace(/schemas\//g, '../../schemas/')
    .replace(/\.\/handlers\//g, '../../handlers/')}`;
  mkdirSync(join(dir, 'features/sleep'), { recursive: true });
  writeFileSync(join(dir, 'features/sleep/sleep.yaml'), sleeper);
  main = yaml.slice(0, start).replace('\nlisteners:', '\ninclude: [features/sleep/sleep.yaml]\nlisteners:');
  writeFileSync(join(dir, 'organism.yaml'), main);
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());

describe('an organism with an included file, through the API', () => {
  it('names the file that declares an included listener, and serves the included file’s text', async () => {
    const admin = await h.client('admin');
    const listeners = await admin.listeners.list.query();
    expect(listeners.find((l) => l.name === 'sleeper')?.definedIn).toBe('features/sleep/sleep.yaml');
    expect(listeners.find((l) => l.name === 'greeter')?.definedIn).toBeNull();
    const config = await admin.config.get.query();
    expect(config.yaml).toBe(main);
    expect(config.includes).toEqual([{ file: 'features/sleep/sleep.yaml', yaml: sleeper }]);
    // Gone from the disk since it was loaded: the file says why, named as organism.yaml names it.
    renameSync(join(dir, 'features/sleep/sleep.yaml'), join(dir, 'features/sleep/away.yaml'));
    try {
      expect((await admin.config.get.query()).includes).toEqual([
        { file: 'features/sleep/sleep.yaml', yaml: '# file not found: features/sleep/sleep.yaml\n' },
      ]);
    } finally {
      renameSync(join(dir, 'features/sleep/away.yaml'), join(dir, 'features/sleep/sleep.yaml'));
    }
  });

  it('reports a problem in the included file at its file and line, from a check of organism.yaml', async () => {
    writeFileSync(join(dir, 'features/sleep/sleep.yaml'), sleeper.replace('nap', 'doze'));
    const admin = await h.client('admin');
    const checked = await admin.config.validate.mutate({ yaml: main });
    expect(checked).toMatchObject({
      ok: false,
      problems: [
        {
          file: 'features/sleep/sleep.yaml',
          line: 6,
          path: 'listeners[0].handler',
          message: expect.stringContaining('doze') as string,
        },
      ],
    });
    writeFileSync(join(dir, 'features/sleep/sleep.yaml'), sleeper);
  });

  it('keeps the included file in the history of a save, and a rollback writes it back', async () => {
    const admin = await h.client('admin');
    await admin.config.save.mutate({ yaml: main.replace('name: demo', 'name: demo2'), note: 'renamed' });
    const [entry] = await admin.config.history.query();
    expect(entry).toMatchObject({ note: 'renamed', includes: ['features/sleep/sleep.yaml'] });
    writeFileSync(join(dir, 'features/sleep/sleep.yaml'), sleeper.replace('Naps', 'Dozes'));
    const version = await admin.config.version.query({ id: entry?.id ?? '' });
    expect(version.includes).toEqual([{ file: 'features/sleep/sleep.yaml', yaml: sleeper }]);
    await admin.config.rollback.mutate({ id: entry?.id ?? '' });
    expect(readFileSync(join(dir, 'features/sleep/sleep.yaml'), 'utf8')).toBe(sleeper);
    expect(readFileSync(join(dir, 'organism.yaml'), 'utf8')).toBe(main);
  });
});
