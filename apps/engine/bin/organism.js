#!/usr/bin/env node
// The `organism` command. Handlers may be written in TypeScript, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exit(await main(process.argv.slice(2)));
