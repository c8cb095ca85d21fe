import type { ListenerConfig, OrganismConfig } from './organism-config.ts';

export interface ConfigDiff {
  added: string[];
  removed: string[];
  changed: { name: string; fields: string[] }[];
}

const FIELDS: [string, (l: ListenerConfig) => unknown][] = [
  ['description', (l) => l.description],
  ['payload.schema', (l) => l.payload.schema],
  ['payload.root', (l) => l.payload.root],
  ['handler', (l) => l.handler.ref],
  ['agent', (l) => l.agent],
  ['peers', (l) => [...l.peers].sort().join(',')],
  ['timeout', (l) => l.timeoutMs],
  ['concurrency', (l) => l.concurrency],
  ['retry', (l) => JSON.stringify(l.retry)],
];

/** Listeners added, removed and changed (with the fields that changed) between two configurations. */
export function diffConfigs(before: OrganismConfig, after: OrganismConfig): ConfigDiff {
  const old = new Map(before.listeners.map((l) => [l.name, l]));
  const next = new Map(after.listeners.map((l) => [l.name, l]));
  const changed: ConfigDiff['changed'] = [];
  for (const [name, l] of next) {
    const prev = old.get(name);
    if (!prev) continue;
    const fields = FIELDS.filter(([, get]) => get(prev) !== get(l)).map(([f]) => f);
    if (fields.length > 0) changed.push({ name, fields });
  }
  return {
    added: [...next.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !next.has(n)),
    changed,
  };
}
