import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { ListenerConfig } from '../config/index.ts';
import type { Handler } from '../pump/listener.ts';

const ES_MODULES =
  ' (handlers are ES modules: put a package.json with "type": "module" beside organism.yaml, or name the file .mts/.mjs)';

/**
 * Imports a listener's handler module and returns its export, or reports why it cannot be used. This runs
 * the module's code: only start and a config change that is being applied (save, reload) call it.
 */
export async function importHandler(
  lc: ListenerConfig,
  problem: (m: string) => void,
  /** The static reading of a module (inspect-handler.ts): where a syntax error is, which Node does not say. */
  inspect?: (handler: ListenerConfig['handler']) => Promise<string | undefined>,
): Promise<Handler | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(await versionedUrl(lc.handler.module))) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Only for what a CommonJS reading of an ES module says, not for every syntax error.
    const hint =
      err instanceof SyntaxError &&
      !/\.m[jt]s$/.test(lc.handler.module) &&
      /outside a module|Unexpected token 'export'|exports is not defined in ES module/.test(message)
        ? ES_MODULES
        : '';
    // A module that does not parse is said where, as a validation says it (Node's loaders do not).
    const read = hint ? undefined : await inspect?.(lc.handler);
    const located = read?.includes(' does not parse: ') ? read : undefined;
    problem(located ?? `handler module ${lc.handler.ref} failed to load: ${message}${hint}`);
    return undefined;
  }
  const fn = mod[lc.handler.exportName];
  // Read as CommonJS (no "type": "module" near it), its exports come only under `default`.
  const cjs = mod['default'] as Record<string, unknown> | undefined;
  if (fn === undefined && typeof cjs?.[lc.handler.exportName] === 'function') {
    problem(
      `${lc.handler.ref}: the module was read as CommonJS, where its exports are not seen${ES_MODULES}`,
    );
    return undefined;
  }
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

/**
 * The module's URL versioned by its content: a reload picks up code changed on disk, while an unchanged
 * module is the one already loaded (Node never unloads a module, so a fresh URL on every reload would
 * keep one more copy each time). Modules it imports itself stay cached as first loaded.
 */
export async function versionedUrl(module: string): Promise<string> {
  const digest = createHash('sha256')
    .update(await readFile(module))
    .digest('hex');
  return `${pathToFileURL(module).href}?v=${digest.slice(0, 16)}`;
}
