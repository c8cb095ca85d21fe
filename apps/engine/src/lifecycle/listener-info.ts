import { relative } from 'node:path';
import type { Listener } from '../pump/listener.ts';
import type { PausedListener } from '../journal/operations/operations-store.ts';
import type { ListenerCounts } from './listener-activity.ts';

/** A listener as operators see it: its contract, limits and what it has been doing. */
export interface ListenerInfo extends ListenerCounts {
  name: string;
  description: string;
  roots: string[];
  /** The main XSD, relative to the organism folder (`system.xsd` for the engine's own listeners). */
  schema: string;
  /** The included YAML file that declares it, relative to the organism folder; null for organism.yaml's own. */
  definedIn: string | null;
  /** `worker`: its handler runs in a pool of worker threads (`isolate: worker`). */
  isolate: 'none' | 'worker';
  /** Its `filter` as written (XPath over the payload), or null: it takes every payload of its roots. */
  filter: string | null;
  agent: boolean;
  peers: string[];
  timeoutMs: number;
  concurrency: number;
  retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  inFlight: number;
  /** Deliveries waiting in its queue, PENDING in the journal (all of them wait while it is paused). */
  queued: number;
  /** Who paused it and when (ms); null while it runs. */
  paused: { by: string; at: number } | null;
  system: boolean;
}

export function listenerInfo(
  l: Listener,
  baseDir: string,
  counts: ListenerCounts,
  now: {
    inFlight: number;
    queued: number;
    paused: PausedListener | undefined;
    definedIn?: string;
    isolate?: 'none' | 'worker';
  },
): ListenerInfo {
  const system = l.name.startsWith('system.');
  return {
    name: l.name,
    description: l.description,
    roots: [...l.roots],
    schema: system ? 'system.xsd' : relative(baseDir, l.schema.file),
    definedIn: system ? null : (now.definedIn ?? null),
    isolate: now.isolate ?? 'none',
    filter: l.filter?.expression ?? null,
    agent: l.agent,
    peers: [...l.peers],
    timeoutMs: l.timeoutMs,
    concurrency: l.concurrency,
    retry: l.retry,
    system,
    ...counts,
    state: now.paused ? 'paused' : counts.state,
    inFlight: now.inFlight,
    queued: now.queued,
    paused: now.paused ? { by: now.paused.by, at: now.paused.at } : null,
  };
}
