import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { addOrganismDir, journalStack, withoutServerFolders } from './stack-paths.ts';

const ENGINE = fileURLToPath(new URL('../..', import.meta.url));

it("writes a stack's paths without the server's folders: the organism's relative, the engine's and packages' by name", () => {
  addOrganismDir('/srv/acme/organism');
  const stack = [
    'HandlerError: cannot divide 48 by zero',
    '    at Object.calculate (/srv/acme/organism/handlers/calculator.ts:15:38)',
    '    at Object.greet [as handler] (/srv/acme/organism/handlers/greeter.ts?v=63b7302728b3832f:4:9)',
    `    at runHandler (${ENGINE}src/pump/handler-run.ts:233:29)`,
    `    at file://${ENGINE}src/pump/dispatcher.ts:64:26`,
    '    at parse (/srv/acme/node_modules/.pnpm/yaml@2.8.1/node_modules/yaml/dist/index.js:9:3)',
    '    at node:internal/process/task_queues:95:5',
  ].join('\n');
  expect(withoutServerFolders(stack)).toBe(
    [
      'HandlerError: cannot divide 48 by zero',
      '    at Object.calculate (handlers/calculator.ts:15:38)',
      '    at Object.greet [as handler] (handlers/greeter.ts:4:9)',
      '    at runHandler (@organism/engine/src/pump/handler-run.ts:233:29)',
      '    at @organism/engine/src/pump/dispatcher.ts:64:26',
      '    at parse (node_modules/yaml/dist/index.js:9:3)',
      '    at node:internal/process/task_queues:95:5',
    ].join('\n'),
  );
  // Not an Error: its text, as thrown.
  expect(journalStack('plain /srv/acme/organism/x.ts')).toBe('plain x.ts');
  const err = new Error('boom');
  expect(journalStack(err)).not.toContain(ENGINE);
  expect(journalStack(err)).toMatch(
    /^Error: boom\n {4}at .*@organism\/engine\/src\/pump\/stack-paths\.test\.ts:\d+:\d+/,
  );
});
