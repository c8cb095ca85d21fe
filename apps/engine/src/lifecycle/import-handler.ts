import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { ListenerConfig } from '../config/index.ts';
import type { Handler } from '../pump/listener.ts';

/**
 * Imports a listener's handler module and returns its export, or reports why it cannot be used. This runs
 * the module's code: only start and a config change that is being applied (save, reload) call it.
 */
export async function importHandler(
  lc: ListenerConfig,
  problem: (m: string) => void,
): Promise<Handler | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(await versionedUrl(lc.handler.module))) as Record<string, unknown>;
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
