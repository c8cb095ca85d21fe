import { pathToFileURL } from 'node:url';
import { basename, relative } from 'node:path';
import { qname } from '@organism/shared';
import type { Problem, QName } from '@organism/shared';
import { loadConfigFile, parseConfig, formatKeyPath } from '../config/index.ts';
import type { ConfigResult, ConfigSource, ListenerConfig, OrganismConfig } from '../config/index.ts';
import { XsdRegistry } from '../xml/index.ts';
import type { CompiledSchema } from '../xml/index.ts';
import type { Handler, Listener } from '../pump/listener.ts';

/** A configuration with every contract compiled and every handler resolved: ready to run. */
export interface LoadedOrganism {
  config: OrganismConfig;
  listeners: Listener[];
  /** Owns the compiled validators; dispose it once the listeners are no longer used. */
  registry: XsdRegistry;
}

export type LoadResult = { ok: true; organism: LoadedOrganism } | { ok: false; problems: Problem[] };

/** Loads organism.yaml from disk, compiles every XSD and imports every handler. Never throws for bad input. */
export async function loadOrganism(file: string): Promise<LoadResult> {
  return resolveOrganism(await loadConfigFile(file));
}

/** The same for YAML text not yet on disk (validation before a config change). */
export async function loadOrganismText(text: string, file: string): Promise<LoadResult> {
  return resolveOrganism(parseConfig(text, file));
}

async function resolveOrganism(parsed: ConfigResult): Promise<LoadResult> {
  if (!parsed.ok) return parsed;
  const { config, source } = parsed;
  const registry = new XsdRegistry(config.baseDir);
  const problems: Problem[] = [];
  const listeners: Listener[] = [];
  for (const [i, lc] of config.listeners.entries()) {
    const at = (path: (string | number)[], message: string): Problem =>
      locate(source, ['listeners', i, ...path], message);
    const compiled = registry.compile(lc.payload.schema);
    let schema: CompiledSchema | undefined;
    if (!compiled.ok) {
      problems.push(
        at(['payload', 'schema'], `schema ${relative(config.baseDir, lc.payload.schema)} does not compile`),
      );
      problems.push(
        ...compiled.problems.map((p) => ({
          ...p,
          ...(p.file ? { file: relative(config.baseDir, p.file) } : {}),
        })),
      );
    } else schema = compiled.schema;
    const roots = schema ? rootsFor(lc, schema, (m) => problems.push(at(['payload', 'root'], m))) : [];
    const handler = await importHandler(lc, (m) => problems.push(at(['handler'], m)));
    if (schema && roots.length > 0 && handler) listeners.push(toListener(lc, schema, roots, handler));
  }
  if (problems.length > 0) {
    registry.dispose();
    return { ok: false, problems };
  }
  return { ok: true, organism: { config, listeners, registry } };
}

function locate(source: ConfigSource, path: (string | number)[], message: string): Problem {
  const pos = source.locate(path);
  return {
    file: basename(source.file),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    path: formatKeyPath(path),
    message,
  };
}

function rootsFor(lc: ListenerConfig, schema: CompiledSchema, problem: (m: string) => void): QName[] {
  const globals = schema.globalElements;
  if (lc.payload.root) {
    const wanted = lc.payload.root.startsWith('{')
      ? lc.payload.root
      : qname(schema.targetNamespace, lc.payload.root);
    if (globals.includes(wanted)) return [wanted];
    problem(
      `root ${lc.payload.root} is not a global element of the schema; it declares: ${globals.join(', ') || 'none'}`,
    );
    return [];
  }
  if (globals.length === 1) return [...globals];
  problem(
    globals.length === 0
      ? 'the schema declares no global element, so no payload can match it'
      : `the schema declares ${globals.length} global elements (${globals.join(', ')}); set payload.root to one of them`,
  );
  return [];
}

async function importHandler(lc: ListenerConfig, problem: (m: string) => void): Promise<Handler | undefined> {
  let mod: Record<string, unknown>;
  try {
    // A fresh URL per load, so a reload runs the handler code as it is now on disk (the old module
    // stays in memory; modules it imports itself stay cached).
    mod = (await import(`${pathToFileURL(lc.handler.module).href}?v=${process.hrtime.bigint()}`)) as Record<
      string,
      unknown
    >;
  } catch (err) {
    const hint =
      err instanceof SyntaxError && !/\.m[jt]s$/.test(lc.handler.module)
        ? ' (handlers are ES modules: put a package.json with "type": "module" beside organism.yaml, or name the file .mts/.mjs)'
        : '';
    problem(
      `handler module ${lc.handler.ref} failed to load: ${err instanceof Error ? err.message : String(err)}${hint}`,
    );
    return undefined;
  }
  const fn = mod[lc.handler.exportName];
  if (typeof fn !== 'function') {
    const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    problem(
      fn === undefined
        ? `${lc.handler.ref}: the module has no export ${JSON.stringify(lc.handler.exportName)} (it exports: ${exported.join(', ') || 'no functions'})`
        : `${lc.handler.ref}: export ${JSON.stringify(lc.handler.exportName)} is a ${typeof fn}, not a function`,
    );
    return undefined;
  }
  return fn as Handler;
}

function toListener(lc: ListenerConfig, schema: CompiledSchema, roots: QName[], handler: Handler): Listener {
  return {
    name: lc.name,
    description: lc.description,
    schema,
    roots,
    handler,
    agent: lc.agent,
    peers: lc.peers,
    timeoutMs: lc.timeoutMs,
    concurrency: lc.concurrency,
    retry: lc.retry,
  };
}
