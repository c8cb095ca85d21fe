#!/usr/bin/env node
// The `organism` command. Handlers may be written in TypeScript, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

// The packages the command needs are imported first, by Node itself (bin/preload.js says why).
import { preload } from './preload.js';
import { registerEnginePackage } from '../src/engine-package-resolve.mjs';

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
await preload(command);
register();
registerEnginePackage();
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
