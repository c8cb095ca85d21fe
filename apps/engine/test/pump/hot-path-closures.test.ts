import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Modules whose every function runs for each message or request. The engine runs through tsx, whose
 * esbuild keeps function names: an arrow function assigned to a name or a property, or a function
 * declared inside another, is wrapped in `__name`, a property definition each time it is made
 * (CONTRIBUTING.md). In these modules that would be once a message: 2–15 µs a request on the HTTP
 * path until 2026-12-03.
 */
const HOT = [
  'src/pump/admission.ts',
  'src/pump/dispatch-queue.ts',
  'src/pump/dispatcher.ts',
  'src/pump/output-deliveries.ts',
  'src/pump/handler-run.ts',
  'src/server/read-body.ts',
  'src/server/send-json.ts',
  'src/server/ingress.ts',
  'src/journal/sqlite/write-queue.ts',
];

describe('the modules every message runs through', () => {
  it.each(HOT)('%s makes no named function while it runs', async (file) => {
    const source = readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8');
    // tsx's transform options that matter here (tsx/dist: keepNames on, ESM out).
    const { code } = await transform(source, { loader: 'ts', format: 'esm', keepNames: true });
    const inside = code
      .split('\n')
      // Indented: inside a function. A class naming itself once (`static { __name(this, …) }`) is not per call.
      .filter((line) => /^\s+\S/.test(line) && line.includes('__name(') && !line.includes('__name(this,'))
      .map((line) => line.trim());
    expect(inside).toEqual([]);
  });
});
