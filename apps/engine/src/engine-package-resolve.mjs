// Lets a handler or extension written outside this repository import the engine's kits
// (`@organism/engine/handler`, `@organism/engine/extension`) with nothing installed: a specifier of this
// package that the module's own folder cannot resolve is resolved from here instead, so the module gets
// the kit of the engine that runs it. One found in the module's own node_modules is used as it is.
// Registered by the `organism` command and by each thread that imports such modules (a worker does not
// inherit its parent's loader hooks).
import { register } from 'node:module';

const NAME = '@organism/engine';

/** Registers the hook below in this thread, after tsx's loader (so it asks tsx first). */
export function registerEnginePackage() {
  register(import.meta.url);
}

/** Node's resolve hook (module.register). */
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== NAME && !specifier.startsWith(`${NAME}/`)) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    // The package refers to itself by its name (its `exports`), whoever asks from within it.
    return nextResolve(specifier, { ...context, parentURL: import.meta.url });
  }
}
