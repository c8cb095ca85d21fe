// Records the URL of every module a process loads in the file MODULE_LOG names: `node --import <this
// file> …` (test/cli/cli-imports.test.ts). Imported, it registers itself as a loader hook; on the
// loaders' thread, where it runs as that hook, it registers nothing.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function load(url, context, next) {
  appendFileSync(process.env.MODULE_LOG, `${url}\n`);
  return next(url, context);
}
