import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffConfigs } from './config-diff.ts';
import { loadConfigFile } from './load-config.ts';
import type { ListenerConfig, OrganismConfig } from './organism-config.ts';

async function fullConfig(): Promise<OrganismConfig> {
  const result = await loadConfigFile(fileURLToPath(new URL('./fixtures/full.yaml', import.meta.url)));
  if (!result.ok) throw new Error('fixtures/full.yaml should be valid');
  return result.config;
}

function listener(config: OrganismConfig, name: string): ListenerConfig {
  const found = config.listeners.find((l) => l.name === name);
  if (!found) throw new Error(`no listener ${name} in the fixture`);
  return found;
}

describe('diffConfigs', () => {
  it('finds nothing between a config and its copy', async () => {
    const before = await fullConfig();
    expect(diffConfigs(before, structuredClone(before))).toEqual({
      added: [],
      removed: [],
      changed: [],
      settings: [],
    });
  });

  it('lists listeners added and removed, by name', async () => {
    const before = await fullConfig();
    const after = structuredClone(before);
    after.listeners = after.listeners.filter((l) => l.name !== 'orders');
    after.listeners.push(
      { ...listener(before, 'greeter'), name: 'shouter' },
      { ...listener(before, 'greeter'), name: 'echo' },
    );
    expect(diffConfigs(before, after)).toEqual({
      added: ['shouter', 'echo'],
      removed: ['orders'],
      changed: [],
      settings: [],
    });
  });

  it('names each changed field of a listener kept under the same name', async () => {
    const before = await fullConfig();
    const after = structuredClone(before);
    const greeter = listener(after, 'greeter');
    greeter.description = 'Greets warmly.';
    greeter.payload.schema = '/elsewhere/greeting.xsd';
    greeter.timeoutMs = 1000;
    greeter.retry.maxDelayMs = 1;
    const planner = listener(after, 'tools.planner');
    planner.agent = false;
    planner.peers = ['greeter'];
    planner.concurrency = 1;
    planner.handler = { ...planner.handler, exportName: 'planHarder', ref: 'handlers/legacy.mjs#planHarder' };
    delete listener(after, 'orders').payload.root;
    expect(diffConfigs(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [
        { name: 'greeter', fields: ['description', 'payload.schema', 'timeout', 'retry'] },
        { name: 'orders', fields: ['payload.root'] },
        { name: 'tools.planner', fields: ['handler', 'agent', 'peers', 'concurrency'] },
      ],
      settings: [],
    });
  });

  it("names the organism's own settings that changed, and whether a save applies them or the next start", async () => {
    const before = await fullConfig();
    const after = structuredClone(before);
    after.name = 'renamed';
    after.pump.maxDepth = before.pump.maxDepth + 1;
    after.journal.durability = before.journal.durability === 'fast' ? 'strict' : 'fast';
    after.server.port = before.server.port + 1;
    after.extensions = [...before.extensions, '/elsewhere/audit.ts'];
    after.retry = { ...before.retry, maxAttempts: before.retry.maxAttempts + 1 };
    after.includes = [...before.includes, '/elsewhere/more-listeners.yaml'];
    const flip = (d: string) => (d === 'fast' ? 'strict' : 'fast');
    expect(diffConfigs(before, after).settings).toEqual([
      { key: 'name', when: 'reload', before: before.name, after: 'renamed' },
      // A list is named, not shown.
      { key: 'extensions', when: 'reload' },
      {
        key: 'retry.maxAttempts',
        when: 'reload',
        before: String(before.retry.maxAttempts),
        after: String(before.retry.maxAttempts + 1),
      },
      { key: 'includes', when: 'reload' },
      {
        key: 'pump.maxDepth',
        when: 'restart',
        before: String(before.pump.maxDepth),
        after: String(before.pump.maxDepth + 1),
      },
      {
        key: 'journal.durability',
        when: 'restart',
        before: before.journal.durability,
        after: flip(before.journal.durability),
      },
      {
        key: 'server.port',
        when: 'restart',
        before: String(before.server.port),
        after: String(before.server.port + 1),
      },
    ]);
  });

  it('ignores the order peers are listed in and the order of listeners', async () => {
    const before = await fullConfig();
    const after = structuredClone(before);
    listener(after, 'tools.planner').peers.reverse();
    after.listeners.reverse();
    expect(diffConfigs(before, after)).toEqual({ added: [], removed: [], changed: [], settings: [] });
  });

  it('reports a renamed listener as one removed and one added', async () => {
    const before = await fullConfig();
    const after = structuredClone(before);
    listener(after, 'greeter').name = 'welcomer';
    expect(diffConfigs(before, after)).toEqual({
      added: ['welcomer'],
      removed: ['greeter'],
      changed: [],
      settings: [],
    });
  });
});
