#!/usr/bin/env node
// The `organism` command. Handlers may be written in TypeScript, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

// The plain JavaScript packages the command imports, before the loader: each module imported through
// tsx's loader is a round trip to the loader's thread (about 3 ms on a 2-core machine; zod is 95 modules,
// drizzle 113), and libxml2-wasm (963 KB, libxml2's WebAssembly inside) cost the process about 150 MB
// more through it (RSS 250 against 96 MB once the XML layer is imported). Imported later through the
// loader, the same modules are used. A package left off this list is still imported, only slower.
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
};
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
await Promise.all((PRELOAD[command] ?? []).map((m) => import(m)));
register();
const { main } = await import('../src/cli.ts');
let code;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  // An unknown option or a missing value: say which, not a stack trace.
  if (!String(err?.code).startsWith('ERR_PARSE_ARGS')) throw err;
  console.error(`${err.message}\n(organism --help lists the commands and their options)`);
  code = 2;
}
process.exit(code);
