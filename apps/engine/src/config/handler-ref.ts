import { extname } from 'node:path';

/** Module extensions a handler may have: what Node (with tsx) imports without a loader of ours. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** A `handler` value split at `#`: `./handlers/greeter.ts#greet` → module path and export name. */
export interface HandlerRef {
  modulePath: string;
  exportName: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Splits a handler reference; undefined when the module part is empty or the export is not an identifier. */
export function parseHandlerRef(ref: string): HandlerRef | undefined {
  const hash = ref.indexOf('#');
  const modulePath = (hash < 0 ? ref : ref.slice(0, hash)).trim();
  const exportName = hash < 0 ? 'default' : ref.slice(hash + 1);
  if (!modulePath || !IDENTIFIER.test(exportName)) return undefined;
  return { modulePath, exportName };
}

/** True when the module path ends in one of {@link HANDLER_EXTENSIONS}. */
export function hasHandlerExtension(modulePath: string): boolean {
  return (HANDLER_EXTENSIONS as readonly string[]).includes(extname(modulePath));
}

/** The same module path with each other allowed extension (or each one appended, when it has none). */
export function handlerAlternatives(modulePath: string): string[] {
  const ext = extname(modulePath);
  const stem = hasHandlerExtension(modulePath) ? modulePath.slice(0, -ext.length) : modulePath;
  return HANDLER_EXTENSIONS.map((e) => stem + e).filter((p) => p !== modulePath);
}
