import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  AUDIT,
  expectNothingChanged,
  f,
  names,
  NEXT,
  ORIGINAL,
  refused,
  useConfigManager,
} from '../support/config-manager-fixture.ts';

// organism.yaml checked, compared and reloaded; its history, versions and rollbacks: config-history.test.ts.
useConfigManager();

describe('validate', () => {
  it('accepts a sound organism and counts its listeners without swapping anything', async () => {
    await expect(f.manager.validate(NEXT)).resolves.toEqual({ ok: true, listeners: 2 });
    expectNothingChanged();
  });

  it('reports broken YAML with its line and column', async () => {
    const problems = await refused(`name: live\nlisteners:\n  - name: [unclosed\n`);
    expect(problems[0]).toMatchObject({ file: 'organism.yaml', line: expect.any(Number) as number });
    expect(problems[0]?.column).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(/invalid YAML/);
  });

  it('reports an XSD that does not compile, naming the schema file and its line', async () => {
    const broken = AUDIT.replace('audit.xsd', 'broken.xsd');
    const problems = await refused(`${ORIGINAL}${broken}`);
    expect(problems).toContainEqual(
      expect.objectContaining({ file: 'organism.yaml', line: 13, path: 'listeners[2].payload.schema' }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ file: 'schemas/broken.xsd', line: 3 }));
  });

  it('reports a handler module without the named export at the handler line', async () => {
    const problems = await refused(ORIGINAL.replace('greeter.ts#greet', 'greeter.ts#nope'));
    expect(problems).toEqual([
      expect.objectContaining({ file: 'organism.yaml', line: 6, path: 'listeners[0].handler' }),
    ]);
    expect(problems[0]?.message).toMatch(/no export "nope" \(it exports: greet\)/);
  });

  it('reports an unknown key where it is written', async () => {
    const problems = await refused(ORIGINAL.replace('name: live\n', 'name: live\ncolour: blue\n'));
    expect(problems).toEqual([expect.objectContaining({ file: 'organism.yaml', line: 2 })]);
    expect(problems[0]?.message).toMatch(/colour/);
  });
});

describe('diff', () => {
  it('lists added, removed and changed listeners and the unfinished work of the removed ones', async () => {
    f.unfinished.set('orders', 4);
    const result = await f.manager.diff(NEXT);
    expect(result).toEqual({
      ok: true,
      diff: {
        added: ['audit'],
        removed: ['orders'],
        changed: [{ name: 'greeter', fields: ['description', 'timeout'] }],
        settings: [],
      },
      impact: [{ listener: 'orders', unfinished: 4 }],
      // No contract changed: no message is checked.
      contracts: [],
    });
    expectNothingChanged();
  });

  it("tries a changed contract on the listener's newest messages and says which it would refuse, and why", async () => {
    f.recent.set('greeter', [
      { id: 'm-hi', payloadXml: '<greeting>hi</greeting>' },
      { id: 'm-hello', payloadXml: '<greeting>hello</greeting>' },
      { id: 'm-order', payloadXml: '<order>one</order>' },
    ]);
    f.recent.set('orders', [
      { id: 'm-o', payloadXml: '<order>never checked: its contract is unchanged</order>' },
    ]);
    const stricter = ORIGINAL.replace('schemas/greeting.xsd', 'schemas/short-greeting.xsd');
    const result = await f.manager.diff(stricter);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.diff.changed).toEqual([{ name: 'greeter', fields: ['payload.schema'] }]);
    const [greeter, ...others] = result.contracts;
    expect(others).toEqual([]);
    expect(greeter).toMatchObject({ listener: 'greeter', checked: 3, refused: 2 });
    expect(greeter?.examples.map((e) => e.id)).toEqual(['m-hello', 'm-order']);
    expect(greeter?.examples[0]?.problem).toMatch(/length/i);
    expect(greeter?.examples[1]?.problem).toContain('its root order is not one the new contract accepts');
    expectNothingChanged();
  });

  it('returns the problems of a config that does not load', async () => {
    const result = await f.manager.diff('name: live\nlisteners: 3\n');
    expect(result.ok).toBe(false);
    expectNothingChanged();
  });
});

describe('reload', () => {
  it('swaps in the file on disk and emits what was added, removed and updated', async () => {
    writeFileSync(f.file, NEXT);
    const change = { added: ['audit'], removed: ['orders'], updated: ['greeter'] };
    await expect(f.manager.reload('ops')).resolves.toEqual({ ok: true, ...change });
    expect(f.events).toEqual([change]);
    expect(f.swaps).toHaveLength(1);
    expect(names(f.running())).toEqual(['greeter', 'audit']);
    expect(f.running().listeners.map((l) => l.name)).toEqual(['greeter', 'audit']);
  });

  it('leaves the running organism in place when the file has any problem', async () => {
    writeFileSync(f.file, ORIGINAL.replace('greeter.ts#greet', 'greeter.ts#nope'));
    const result = await f.manager.reload('ops');
    expect(result.ok).toBe(false);
    expectNothingChanged();
    expect(names(f.running())).toEqual(['greeter', 'orders']);
  });

  // A handler module is imported under a URL versioned by its content, so changed code is loaded anew.
  it('runs changed handler code after a reload', async () => {
    writeFileSync(
      join(f.dir, 'handlers/greeter.ts'),
      `export const greet = (): string => '<greeting>bye</greeting>';\n`,
    );
    await f.manager.reload('ops');
    const greeter = f.running().listeners.find((l) => l.name === 'greeter');
    expect(await greeter?.handler('', {} as never)).toBe('<greeting>bye</greeting>');
  });

  it("frees the replaced organism's schemas only after the grace period", async () => {
    const dispose = vi.spyOn(f.initial.registry, 'dispose');
    writeFileSync(f.file, NEXT);
    await f.manager.reload('ops');
    expect(dispose).not.toHaveBeenCalled();
    await sleep(60);
    expect(dispose).toHaveBeenCalledOnce();
  });
});
