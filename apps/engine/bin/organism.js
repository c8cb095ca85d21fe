#!/usr/bin/env node
// The `organism` command. Handlers may be written in TypeScript, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

// libxml2-wasm before the loader: it is plain JavaScript (963 KB, libxml2's WebAssembly inside), and
// loaded through tsx's loader it cost the process about 150 MB more (RSS 250 against 96 MB once the
// XML layer is imported). Imported later through the loader, the same module is used.
await import('libxml2-wasm');
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
