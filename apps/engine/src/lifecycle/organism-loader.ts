import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { qname } from '@organism/shared';
import type { Problem, QName } from '@organism/shared';
import { loadConfigFile, parseConfig, formatKeyPath, sortProblems } from '../config/index.ts';
import type {
  ConfigResult,
  ConfigSource,
  ListenerConfig,
  ListenerContract,
  OrganismConfig,
} from '../config/index.ts';
import { XsdRegistry } from '../xml/index.ts';
import type { CompiledSchema, PayloadXPath } from '../xml/index.ts';
import type { Handler, Listener } from '../pump/listener.ts';
import { importHandler, versionedUrl } from './import-handler.ts';
import { HandlerPool } from './isolation/worker-pool.ts';
import { createHandlerInspector } from './inspect-handler.ts';

/** A configuration with every contract compiled and every handler resolved: ready to run. */
export interface LoadedOrganism {
  config: OrganismConfig;
  /** organism.yaml's text as it was loaded: what runs, which the file on disk may no longer be. */
  text: string;
  listeners: Listener[];
  /** Owns the compiled validators; dispose it once the listeners are no longer used. */
  registry: XsdRegistry;
}

export type LoadResult = { ok: true; organism: LoadedOrganism } | { ok: false; problems: Problem[] };

/** A configuration found sound without running any of its code: what validation answers. */
export type CheckResult = { ok: true; config: OrganismConfig } | { ok: false; problems: Problem[] };

/**
 * Loads organism.yaml from disk, compiles every XSD and imports every handler (running its top-level
 * code). Never throws for bad input.
 */
export async function loadOrganism(file: string): Promise<LoadResult> {
  return loadParsed(await loadConfigFile(file));
}

/** The same for YAML text not yet on disk, as if it were `file` (a config change being applied). */
export async function loadOrganismText(
  text: string,
  file: string,
  includes?: ReadonlyMap<string, string>,
): Promise<LoadResult> {
  return loadParsed(parseConfig(text, file, includes ? { includes } : {}));
}

/**
 * Checks YAML text as if it were `file` without running anything: compiles every XSD (then frees it) and
 * inspects every handler module statically (inside the folder, parses, has the named export). Never
 * imports a handler, so repeated checks neither run operator-supplied code nor grow memory.
 */
export async function checkOrganismText(
  text: string,
  file: string,
  examine?: (config: OrganismConfig, contracts: ReadonlyMap<string, Contract>) => Promise<void>,
): Promise<CheckResult> {
  const parsed = parseConfig(text, file);
  if (!parsed.ok) return withLaterProblems(parsed);
  const inspect = createHandlerInspector(parsed.config.baseDir);
  const compiled = await compileOrganism(parsed, async (lc, problem) => {
    const message = await inspect(lc.handler);
    if (message) problem(message);
    return message === undefined ? lc.handler : undefined;
  });
  if (!compiled.ok) return compiled;
  try {
    if (examine)
      await examine(
        compiled.config,
        new Map(compiled.entries.map((e) => [e.lc.name, { schema: e.schema, roots: e.roots }])),
      );
  } finally {
    compiled.registry.dispose();
  }
  return { ok: true, config: compiled.config };
}

/** A listener's compiled XSD and the roots it accepts: what a payload is checked against. */
export interface Contract {
  schema: CompiledSchema;
  roots: QName[];
}

async function loadParsed(parsed: ConfigResult): Promise<LoadResult> {
  if (!parsed.ok) return withLaterProblems(parsed);
  const inspect = createHandlerInspector(parsed.config.baseDir);
  const compiled = await compileOrganism(parsed, (lc, problem) =>
    lc.isolate === 'worker' ? isolatedHandler(lc, problem, inspect) : importHandler(lc, problem, inspect),
  );
  if (!compiled.ok) return compiled;
  const { config, registry, entries } = compiled;
  const listeners = entries.map((e) => toListener(e, e.handler));
  return { ok: true, organism: { config, text: parsed.source.text, listeners, registry } };
}

/**
 * An isolated listener's handler (`isolate: worker`): checked statically here, as a validation checks
 * it, then loaded in one of its workers (`HandlerPool.warm`), so a module that throws as it loads is
 * refused now; its code never runs on the engine's thread.
 */
async function isolatedHandler(
  lc: ListenerConfig,
  problem: (m: string) => void,
  inspect: ReturnType<typeof createHandlerInspector>,
): Promise<Handler | undefined> {
  const message = await inspect(lc.handler);
  if (message) {
    problem(message);
    return undefined;
  }
  const url = await versionedUrl(lc.handler.module);
  const pool = new HandlerPool(url, lc.handler.exportName, lc.concurrency, lc.name);
  try {
    await pool.warm();
  } catch (err) {
    pool.close();
    problem(
      `handler ${lc.handler.module}#${lc.handler.exportName} does not load in a worker: ${workerWords(err)}`,
    );
    return undefined;
  }
  return pool.handler();
}

/** Why a handler did not load in its worker: the worker's words (the refusal's `cause`), or the error's. */
function workerWords(err: unknown): string {
  const { cause, message } = err as Error;
  return typeof cause === 'string' ? cause : message;
}

/** Resolves one listener's handler to `H`, or reports why it cannot and returns undefined. */
type HandlerResolver<H> = (lc: ListenerConfig, problem: (m: string) => void) => Promise<H | undefined>;

interface Compiled<H> {
  ok: true;
  config: OrganismConfig;
  registry: XsdRegistry;
  entries: {
    lc: ListenerConfig;
    schema: CompiledSchema;
    roots: QName[];
    filter?: PayloadXPath;
    handler: H;
  }[];
}

/** Compiles every listener's XSD and resolves its handler; with any problem, frees what it compiled. */
async function compileOrganism<H>(
  parsed: ConfigResult & { ok: true },
  resolveHandler: HandlerResolver<H>,
): Promise<Compiled<H> | { ok: false; problems: Problem[] }> {
  const { config, source } = parsed;
  const registry = new XsdRegistry(config.baseDir);
  const problems: Problem[] = [];
  const entries: Compiled<H>['entries'] = [];
  for (const [i, lc] of config.listeners.entries()) {
    const at = (path: (string | number)[], message: string): Problem =>
      locate(source.place, ['listeners', i, ...path], message);
    const { schema, roots, filter } = compileContract(lc, registry, config.baseDir, at, problems);
    const handler = await resolveHandler(lc, (m) => problems.push(at(['handler'], m)));
    if (schema && roots.length > 0 && handler !== undefined && filter?.ok !== false)
      entries.push({ lc, schema, roots, ...(filter?.ok ? { filter: filter.xpath } : {}), handler });
  }
  // Extension modules are imported by the engine when it runs them (extensions/extension-host.ts); here
  // only that each listed one is there, inside the folder.
  for (const [i, file] of config.extensions.entries()) {
    const problem = (message: string): number =>
      problems.push(locate(source.place, ['extensions', i], message));
    if (!isInsideFolder(config.baseDir, file))
      problem(
        `extension module ${relative(config.baseDir, file)} is outside the organism folder ${config.baseDir}`,
      );
    else if (!existsSync(file)) problem(`file not found: ${relative(config.baseDir, file)}`);
  }
  if (problems.length > 0) {
    registry.dispose();
    return { ok: false, problems };
  }
  return { ok: true, config, registry, entries };
}

/**
 * A listener's XSD compiled (its problems added to `problems`, at `payload.schema` and in the XSD), the
 * roots it accepts and its filter compiled: what a payload is checked against.
 */
function compileContract(
  lc: ListenerContract,
  registry: XsdRegistry,
  baseDir: string,
  at: (path: (string | number)[], message: string) => Problem,
  problems: Problem[],
): { schema?: CompiledSchema; roots: QName[]; filter?: ReturnType<XsdRegistry['compileFilter']> } {
  const compiled = registry.compile(lc.payload.schema);
  if (!compiled.ok) {
    problems.push(
      at(['payload', 'schema'], `schema ${relative(baseDir, lc.payload.schema)} does not compile`),
    );
    problems.push(
      ...compiled.problems.map((p) => ({ ...p, ...(p.file ? { file: relative(baseDir, p.file) } : {}) })),
    );
  }
  const schema = compiled.ok ? compiled.schema : undefined;
  const roots = schema ? rootsFor(lc, schema, (m) => problems.push(at(['payload', 'root'], m))) : [];
  const filter = lc.filter === undefined ? undefined : registry.compileFilter(lc.filter);
  if (filter && !filter.ok) problems.push(at(['filter'], filter.message));
  return { ...(schema ? { schema } : {}), roots, ...(filter ? { filter } : {}) };
}

/**
 * A configuration's problems, with those the later checks find in its sound listeners (`sound`: a contract
 * that does not compile, a root or filter it cannot have, a handler without its export): all at once, not
 * one stage at a time. Runs no handler.
 */
async function withLaterProblems(
  parsed: ConfigResult & { ok: false },
): Promise<{ ok: false; problems: Problem[] }> {
  const { sound } = parsed;
  // The problems alone: `sound` names the server's folders, and the answer goes to API clients as it is.
  if (!sound || sound.listeners.length === 0) return { ok: false, problems: parsed.problems };
  const problems = [...parsed.problems];
  const registry = new XsdRegistry(sound.baseDir);
  const inspect = createHandlerInspector(sound.baseDir);
  try {
    for (const { index, contract } of sound.listeners) {
      const at = (path: (string | number)[], message: string): Problem =>
        locate(sound.place, ['listeners', index, ...path], message);
      compileContract(contract, registry, sound.baseDir, at, problems);
      const message = await inspect(contract.handler);
      if (message) problems.push(at(['handler'], message));
    }
  } finally {
    registry.dispose();
  }
  return { ok: false, problems: sortProblems(problems, sound.files) };
}

function locate(place: ConfigSource['place'], path: (string | number)[], message: string): Problem {
  const at = place(path);
  return { file: at.file, ...at.position, path: formatKeyPath(at.path), message };
}

function rootsFor(lc: ListenerContract, schema: CompiledSchema, problem: (m: string) => void): QName[] {
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

function toListener(
  {
    lc,
    schema,
    roots,
    filter,
  }: { lc: ListenerConfig; schema: CompiledSchema; roots: QName[]; filter?: PayloadXPath },
  handler: Handler,
): Listener {
  return {
    name: lc.name,
    description: lc.description,
    schema,
    roots,
    ...(filter ? { filter } : {}),
    handler,
    agent: lc.agent,
    peers: lc.peers,
    timeoutMs: lc.timeoutMs,
    concurrency: lc.concurrency,
    retry: lc.retry,
  };
}
