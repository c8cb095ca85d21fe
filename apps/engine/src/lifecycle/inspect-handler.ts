import { dirname, relative } from 'node:path';
import { build } from 'esbuild';
import type { Message } from 'esbuild';
import type { ListenerConfig } from '../config/index.ts';

/** What a handler module exports, read without running it; `complete` is false when it cannot be known. */
export interface StaticExports {
  names: string[];
  complete: boolean;
}

/**
 * Returns a checker for handler modules that never imports them: esbuild parses each module (TypeScript
 * included) and the local modules it re-exports, and lists its exports. It answers why a handler cannot
 * be used, or undefined; each module is parsed once per checker, however many listeners name it.
 */
export function createHandlerInspector(
  baseDir: string,
): (handler: ListenerConfig['handler']) => Promise<string | undefined> {
  const parsed = new Map<string, Promise<StaticExports | string>>();
  return async (handler) => {
    let exports = parsed.get(handler.module);
    if (!exports) {
      exports = readExports(handler.module, baseDir);
      parsed.set(handler.module, exports);
    }
    const found = await exports;
    if (typeof found === 'string') return `handler module ${handler.ref} does not parse: ${found}`;
    if (!found.complete || found.names.includes(handler.exportName)) return undefined;
    return `${handler.ref}: the module has no export ${JSON.stringify(handler.exportName)} (it exports: ${found.names.join(', ') || 'nothing'})`;
  };
}

/**
 * The exports of a handler module, read without running it; with `contents`, of that text as if it were
 * the file `module` (an upload checked before it is written). A string says why it does not parse.
 */
export async function readExports(
  module: string,
  baseDir: string,
  contents?: string,
): Promise<StaticExports | string> {
  try {
    // A bundle (kept in memory) so that `export * from './x.ts'` counts x's exports too; packages and
    // Node's built-ins stay external, so only the organism's own source is read.
    const result = await build({
      ...(contents === undefined
        ? { entryPoints: [module] }
        : {
            stdin: {
              contents,
              resolveDir: dirname(module),
              sourcefile: relative(baseDir, module),
              loader: /\.m?ts$/.test(module) ? 'ts' : 'js',
            },
          }),
      absWorkingDir: baseDir,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // Files Node may load that esbuild has no loader for: their content does not affect the exports.
      loader: { '.node': 'empty', '.wasm': 'empty' },
    });
    const output = Object.values(result.metafile.outputs)[0];
    const input = result.metafile.inputs[contents === undefined ? relative(baseDir, module) : '<stdin>'];
    const text = result.outputFiles[0]?.text ?? '';
    return {
      names: [...(output?.exports ?? [])].sort(),
      // A CommonJS module's names appear only when it runs, and `export * from 'a-package'` stays
      // unresolved: then a name not listed may still be there, and only the import can tell.
      complete: input?.format !== 'cjs' && !/^export \* from /m.test(text),
    };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) return String(err);
    return errors.map(describe).join('; ');
  }
}

function describe(m: Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${at}${m.text}`;
}
