// The plain JavaScript packages each `organism` command imports, to be imported before tsx's loader is
// registered: each module imported through tsx's loader is a round trip to the loader's thread (about 3 ms
// on a 2-core machine; zod is 95 modules, drizzle 113), and libxml2-wasm (963 KB, libxml2's WebAssembly
// inside) cost the process about 150 MB more through it (RSS 250 against 96 MB once the XML layer is
// imported). Imported later through the loader, the same modules are used. A package left off a list is
// still imported, only slower. The test suite's engine children preload `run`'s list the same way
// (test/support/preload-engine.mjs).
const config = ['zod', 'yaml'];
const journal = [
  ...config,
  'drizzle-orm',
  'drizzle-orm/sqlite-core',
  'drizzle-orm/better-sqlite3',
  'drizzle-orm/better-sqlite3/migrator',
];
const PRELOAD = {
  check: ['libxml2-wasm', ...config],
  send: ['libxml2-wasm', ...config],
  start: config,
  user: journal,
  token: journal,
  run: ['libxml2-wasm', ...journal, '@trpc/server', 'pino'],
  // Not a command: what a PostgreSQL journal adds (the engine learns its driver from the configuration).
  postgres: ['pg', 'drizzle-orm/pg-core', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/migrator'],
};

/** Imports the packages `command` needs (none for a command not listed). */
export async function preload(...commands) {
  await Promise.all(commands.flatMap((c) => PRELOAD[c] ?? []).map((m) => import(m)));
}
