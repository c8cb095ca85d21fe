import type { ListenerConfig, OrganismConfig } from './organism-config.ts';

/** Listener names added and removed, and for each listener kept, the fields that changed. */
export interface ConfigDiff {
  added: string[];
  removed: string[];
  changed: { name: string; fields: string[] }[];
}

// Each field as a comparable string. Peers are a set (order in the YAML means nothing), so they are sorted.
const FIELDS: readonly [string, (l: ListenerConfig) => unknown][] = [
  ['description', (l) => l.description],
  ['payload.schema', (l) => l.payload.schema],
  ['payload.root', (l) => l.payload.root],
  ['handler', (l) => `${l.handler.module}#${l.handler.exportName}`],
  ['agent', (l) => l.agent],
  ['peers', (l) => JSON.stringify([...l.peers].sort())],
  ['timeoutMs', (l) => l.timeoutMs],
  ['concurrency', (l) => l.concurrency],
  ['isolate', (l) => l.isolate],
  ['retry', (l) => JSON.stringify([l.retry.maxAttempts, l.retry.initialDelayMs, l.retry.maxDelayMs])],
];

/** Compares listeners by name (what a reload must add, remove or rebuild), in the order the files list them. */
export function diffConfigs(before: OrganismConfig, after: OrganismConfig): ConfigDiff {
  const old = new Map(before.listeners.map((l) => [l.name, l]));
  const next = new Map(after.listeners.map((l) => [l.name, l]));
  const changed: ConfigDiff['changed'] = [];
  for (const [name, l] of next) {
    const prev = old.get(name);
    if (!prev) continue;
    const fields = FIELDS.filter(([, get]) => get(prev) !== get(l)).map(([field]) => field);
    if (fields.length > 0) changed.push({ name, fields });
  }
  return {
    added: [...next.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !next.has(n)),
    changed,
  };
}
