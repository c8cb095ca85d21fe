import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
export { until } from './until.ts';

export const ENGINE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ENGINE_DIR, 'bin/organism.js');
const CRASH_ORGANISM = fileURLToPath(new URL('../fixtures/organisms/crash', import.meta.url));

/** An envelope for the crash organism's `front` listener (a two-hop chain: front → back → front). */
export const jobEnvelope = (n: number | string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>p</from><to>front</to></meta><job xmlns="">${n}</job></message>`;

/**
 * A copy of the crash-test organism in a temp folder, with its own journal (`.organism/` inside it),
 * for tests that run the real `organism` command. `port` fixes the server's port; `traffic` adds a
 * `traffic/` folder so `--traffic` keeps jobs flowing.
 */
export function copyCrashOrganism(opts: { port?: number; traffic?: boolean } = {}): {
  dir: string;
  yamlPath: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'organism-copy-'));
  cpSync(CRASH_ORGANISM, dir, { recursive: true });
  // Handlers are ES modules: an organism folder outside a "type": "module" package needs this.
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  const handler = join(dir, 'handlers/record.ts');
  writeFileSync(
    handler,
    readFileSync(handler, 'utf8').replace(
      "'../../../../../src/handler-kit.ts'",
      `'${join(ENGINE_DIR, 'src/handler-kit.ts')}'`,
    ),
  );
  const yamlPath = join(dir, 'organism.yaml');
  if (opts.port !== undefined)
    writeFileSync(
      yamlPath,
      readFileSync(yamlPath, 'utf8').replace('name: crash', `name: crash\nserver:\n  port: ${opts.port}`),
    );
  if (opts.traffic) {
    mkdirSync(join(dir, 'traffic'));
    writeFileSync(join(dir, 'traffic/job.xml'), jobEnvelope('{{n}}'));
  }
  return { dir, yamlPath };
}

/** A TCP port that was free a moment ago (for a process that must be told its port in advance). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
