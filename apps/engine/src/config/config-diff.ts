import type { ListenerConfig, OrganismConfig } from './organism-config.ts';

/** Listener names added and removed, and for each listener kept, the fields that changed. */
export interface ConfigDiff {
  added: string[];
  removed: string[];
  changed: { name: string; fields: string[] }[];
  /**
   * The organism's own settings that changed, by key (`name`, `pump.concurrency`): `reload` when a save or
   * a reload applies them at once, `restart` when only the next start reads them (pump, journal, server);
   * with the value before and after, when each is a number, a word or text (not a list).
   */
  settings: { key: string; when: 'reload' | 'restart'; before?: string; after?: string }[];
}

/** A setting's value as the console shows it beside its key: a number, a word or text; none for a list. */
function shown(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** `before` and `after` of a changed setting, when both can be shown. */
function values(a: unknown, b: unknown): { before?: string; after?: string } {
  const [before, after] = [shown(a), shown(b)];
  return before !== undefined && after !== undefined ? { before, after } : {};
}

/** The organism's own settings, each with when a change of it takes effect. */
const SETTINGS: readonly [
  string,
  'reload' | 'restart',
  (c: OrganismConfig) => object | string | undefined,
][] = [
  ['name', 'reload', (c) => c.name],
  ['description', 'reload', (c) => c.description],
  ['extensions', 'reload', (c) => c.extensions],
  // The listeners' defaults: a save rebuilds those that take them (each listed as changed, `retry`).
  ['retry', 'reload', (c) => c.retry],
  ['includes', 'reload', (c) => c.includes],
  ['pump', 'restart', (c) => c.pump],
  ['journal', 'restart', (c) => c.journal],
  ['server', 'restart', (c) => c.server],
];

/** The keys under which `before` and `after` differ: a section's own fields (`pump.concurrency`), or itself. */
function settingsChanged(before: OrganismConfig, after: OrganismConfig): ConfigDiff['settings'] {
  const out: ConfigDiff['settings'] = [];
  for (const [key, when, get] of SETTINGS) {
    const a = get(before);
    const b = get(after);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
      const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const f of fields) {
        const [was, is] = [(a as Record<string, unknown>)[f], (b as Record<string, unknown>)[f]];
        if (JSON.stringify(was) !== JSON.stringify(is))
          out.push({ key: `${key}.${f}`, when, ...values(was, is) });
      }
    } else out.push({ key, when, ...values(a, b) });
  }
  return out;
}

// Each field as a comparable string, named by its key in organism.yaml (what the console shows beside
// the form's labels). Peers are a set (order in the YAML means nothing), so they are sorted.
const FIELDS: readonly [string, (l: ListenerConfig) => unknown][] = [
  ['description', (l) => l.description],
  ['payload.schema', (l) => l.payload.schema],
  ['payload.root', (l) => l.payload.root],
  ['handler', (l) => `${l.handler.module}#${l.handler.exportName}`],
  ['agent', (l) => l.agent],
  ['peers', (l) => JSON.stringify([...l.peers].sort())],
  ['timeout', (l) => l.timeoutMs],
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
    settings: settingsChanged(before, after),
  };
}
