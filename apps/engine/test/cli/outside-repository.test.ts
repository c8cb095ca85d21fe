import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createToken,
  echoOrganism,
  healthy,
  postPing,
  runOrganism,
  spawnOrganism,
  until,
} from './organism-process.ts';

// A handler in TypeScript that imports the engine's kit, as handler-guide.md writes one, and leaves a
// file behind when it runs (written through the kit, so the file says the kit was the engine's).
const HANDLER = `import { xml } from '@organism/engine/handler';
import type { Handler } from '@organism/engine/handler';
import { writeFileSync } from 'node:fs';

const ran = (name: string): Handler => (payload) => {
  writeFileSync(new URL(\`../ran-\${name}.xml\`, import.meta.url), xml\`<ran>\${String(payload)}</ran>\`);
};
export const echo = ran('echo');
export const apart = ran('apart');
`;

describe('an organism outside the repository, with nothing installed', () => {
  // Processes of their own (check, token, run): several seconds each on a busy machine.
  it("imports the engine's kit from its handlers, on the engine's thread and in an isolated worker", async () => {
    const org = await echoOrganism();
    // The folder is under the system's temp folder: no node_modules above it has @organism/engine.
    writeFileSync(join(org.dir, 'handlers/echo.ts'), HANDLER);
    writeFileSync(join(org.dir, 'package.json'), '{ "private": true, "type": "module" }\n');
    // `echo` runs on the engine's thread, `apart` in a worker: each thread resolves the kit by itself.
    writeFileSync(
      org.yaml,
      `${readFileSync(org.yaml, 'utf8').replace('./handlers/echo.mjs#echo', './handlers/echo.ts#echo')}
  - name: apart
    description: Takes a ping in a worker thread.
    payload: { schema: schemas/ping.xsd, root: ping }
    handler: ./handlers/echo.ts#apart
    isolate: worker
`,
    );

    const checked = await runOrganism(['check', org.yaml], org.dir);
    expect(checked.stdout + checked.stderr).toContain('2 handlers resolved');
    expect(checked.code).toBe(0);

    const { token } = await createToken(org, 'outside');
    const p = spawnOrganism(['run', org.yaml], { cwd: org.dir });
    try {
      await healthy(org.url, p);
      for (const to of ['echo', 'apart']) {
        expect(await postPing(org.url, token, to)).toBe(202);
        const ran = join(org.dir, `ran-${to}.xml`);
        await until(`${to}'s handler ran`, () => (existsSync(ran) ? true : undefined)).catch(
          (err: unknown) => {
            throw new Error(`${String(err)}\n${p.output()}`);
          },
        );
        expect(readFileSync(ran, 'utf8')).toBe('<ran>hi</ran>');
      }
    } finally {
      await p.stop();
    }
  }, 90_000);
});
