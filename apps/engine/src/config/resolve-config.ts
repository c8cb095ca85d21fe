import { basename, resolve } from 'node:path';
import { DEFAULT_RETRY } from './organism-config.ts';
import type { ListenerConfig, OrganismConfig, RetryPolicy } from './organism-config.ts';
import { parseHandlerRef } from './handler-ref.ts';
import type { ListenerFile, OrganismFile, RetryFile } from './organism-schema.ts';

/** Turns checked file data into the config the engine reads: paths absolute, retry policies merged. */
export function resolveConfig(data: OrganismFile, file: string, baseDir: string): OrganismConfig {
  const retry = mergeRetry(DEFAULT_RETRY, data.retry);
  const journalPath = data.journal.path === ':memory:' ? ':memory:' : resolve(baseDir, data.journal.path);
  return {
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    file,
    baseDir,
    pump: { ...data.pump },
    journal: { ...data.journal, path: journalPath },
    server: { ...data.server },
    retry,
    includes: data.include.map((f) => resolve(baseDir, f)),
    extensions: data.extensions.map((f) => resolve(baseDir, f)),
    listeners: data.listeners.map((l): ListenerConfig => ({
      ...listenerContract(l, baseDir),
      description: l.description,
      // parseConfig names the included file that declares it.
      definedIn: basename(file),
      agent: l.agent,
      peers: [...l.peers],
      timeoutMs: l.timeout,
      concurrency: l.concurrency,
      isolate: l.isolate,
      retry: mergeRetry(retry, l.retry),
    })),
  };
}

/** What a listener's contract and handler are checked by (the XSD, its root, the filter, the handler). */
export type ListenerContract = Pick<ListenerConfig, 'name' | 'payload' | 'handler' | 'filter'>;

/** A checked listener's contract and handler, its paths absolute. */
export function listenerContract(l: ListenerFile, baseDir: string): ListenerContract {
  // The schema has already rejected references that do not parse.
  const ref = parseHandlerRef(l.handler) ?? { modulePath: l.handler, exportName: 'default' };
  return {
    name: l.name,
    payload: {
      schema: resolve(baseDir, l.payload.schema),
      ...(l.payload.root !== undefined ? { root: l.payload.root } : {}),
    },
    handler: { module: resolve(baseDir, ref.modulePath), exportName: ref.exportName, ref: l.handler },
    ...(l.filter !== undefined ? { filter: l.filter } : {}),
  };
}

function mergeRetry(base: Readonly<RetryPolicy>, over: RetryFile | undefined): RetryPolicy {
  return {
    maxAttempts: over?.maxAttempts ?? base.maxAttempts,
    initialDelayMs: over?.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: over?.maxDelayMs ?? base.maxDelayMs,
  };
}
