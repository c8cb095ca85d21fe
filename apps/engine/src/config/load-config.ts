import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { Problem } from '@organism/shared';
import { organismFileSchema } from './organism-schema.ts';
import type { OrganismFile } from './organism-schema.ts';
import { DEFAULT_RETRY } from './organism-config.ts';
import type { ListenerConfig, OrganismConfig, RetryPolicy } from './organism-config.ts';
import { formatKeyPath, parseLocatedYaml } from './yaml-locator.ts';

export interface ConfigSource {
  file: string;
  text: string;
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

export type ConfigResult = { ok: true; config: OrganismConfig; source: ConfigSource } | { ok: false; problems: Problem[] };

/** Reads and checks organism.yaml. Never throws for bad input: every problem comes back with its place. */
export async function loadConfigFile(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    return { ok: false, problems: [{ file: basename(file), message: `${reason}: ${resolve(file)}` }] };
  }
  return parseConfig(text, file);
}

/**
 * Checks YAML text as if it were `file` (relative paths resolve beside it): syntax, the schema, and
 * the cross-checks the schema cannot make (unique names, peers that exist, files that exist).
 */
export function parseConfig(text: string, file: string): ConfigResult {
  const path = resolve(file);
  const { doc, locate } = parseLocatedYaml(text);
  const name = basename(path);
  const at = (keys: readonly (string | number | symbol)[], message: string): Problem => {
    const clean = keys.filter((k): k is string | number => typeof k !== 'symbol');
    const pos = locate(clean);
    return { file: name, ...(pos ? { line: pos.line, column: pos.column } : {}), ...(clean.length ? { path: formatKeyPath(clean) } : {}), message };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ file: name, ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}), message: e.message.split('\n')[0] ?? e.message })),
    };
  }
  const parsed = organismFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => at(i.path, i.message)) };

  const baseDir = dirname(path);
  const problems: Problem[] = [];
  const config = resolveConfig(parsed.data, path, baseDir);
  checkListeners(parsed.data, config, at, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config, source: { file: path, text, locate } };
}

function resolveConfig(data: OrganismFile, file: string, baseDir: string): OrganismConfig {
  const orgRetry = mergeRetry(DEFAULT_RETRY, data.retry);
  return {
    name: data.name,
    ...(data.description ? { description: data.description } : {}),
    file,
    baseDir,
    pump: data.pump,
    journal: { ...data.journal, path: data.journal.path === ':memory:' ? ':memory:' : resolve(baseDir, data.journal.path) },
    server: data.server,
    retry: orgRetry,
    listeners: data.listeners.map((l): ListenerConfig => {
      const [modulePath = '', exportName = 'default'] = l.handler.split('#');
      return {
        name: l.name,
        description: l.description,
        payload: { schema: resolve(baseDir, l.payload.schema), ...(l.payload.root ? { root: l.payload.root } : {}) },
        handler: { module: resolve(baseDir, modulePath), exportName, ref: l.handler },
        agent: l.agent,
        peers: l.peers,
        timeoutMs: l.timeout,
        concurrency: l.concurrency,
        retry: mergeRetry(orgRetry, l.retry),
      };
    }),
  };
}

function mergeRetry(base: RetryPolicy, over: OrganismFile['retry']): RetryPolicy {
  return {
    maxAttempts: over?.maxAttempts ?? base.maxAttempts,
    initialDelayMs: over?.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: over?.maxDelayMs ?? base.maxDelayMs,
  };
}

type At = (keys: readonly (string | number)[], message: string) => Problem;

function checkListeners(data: OrganismFile, config: OrganismConfig, at: At, problems: Problem[]): void {
  const names = new Map<string, number>();
  data.listeners.forEach((l, i) => {
    const first = names.get(l.name);
    if (first !== undefined) problems.push(at(['listeners', i, 'name'], `duplicate listener name "${l.name}" (first at listeners[${first}])`));
    else names.set(l.name, i);
  });
  config.listeners.forEach((l, i) => {
    const raw = data.listeners[i];
    if (!raw) return;
    if (!existsSync(l.payload.schema)) problems.push(at(['listeners', i, 'payload', 'schema'], `file not found: ${raw.payload.schema}`));
    if (!existsSync(l.handler.module)) {
      const other = l.handler.module.replace(/\.(ts|js|mjs)$/, (ext) => (ext === '.ts' ? '.js' : '.ts'));
      const hint = other !== l.handler.module && existsSync(other) ? ` (${basename(other)} exists)` : '';
      problems.push(at(['listeners', i, 'handler'], `handler module not found: ${raw.handler.split('#')[0]}${hint}`));
    }
    if (isAbsolute(raw.payload.schema) || isAbsolute(raw.handler)) {
      problems.push(at(['listeners', i], 'schema and handler paths are relative to organism.yaml'));
    }
    l.peers.forEach((peer, j) => {
      if (peer === l.name) problems.push(at(['listeners', i, 'peers', j], 'a listener cannot be its own peer'));
      else if (!names.has(peer)) problems.push(at(['listeners', i, 'peers', j], `no listener named "${peer}"`));
    });
    if (l.peers.length > 0 && !l.agent) problems.push(at(['listeners', i, 'peers'], 'peers restrict agents only: set agent: true, or remove peers'));
  });
}
