import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemo, startHarness, writeInto } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

// A contract that declares its root but admits no finite instance: its example cannot be generated.
const LOOP_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="loop"><xs:complexType><xs:sequence><xs:element ref="loop"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

let h: ServerHarness;
let dir: string;
let cookie: string;
beforeAll(async () => {
  dir = copyDemo('organism-contract-');
  writeInto(dir, 'schemas/loop.xsd', LOOP_XSD);
  const yaml = join(dir, 'organism.yaml');
  const looper =
    '  - name: looper\n    description: Loops.\n    payload: { schema: schemas/loop.xsd }\n    handler: ./handlers/shouter.ts#shout\n\n';
  writeInto(
    dir,
    'organism.yaml',
    readFileSync(yaml, 'utf8').replace('  - name: shouter\n', `${looper}  - name: shouter\n`),
  );
  h = await startHarness(yaml);
  const login = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'viewer', password: 'correct horse battery' }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});
afterAll(async () => h.close());

/** A viewer's query, by hand: its status, its body's text (to look for paths) and its error. */
async function ask(
  path: string,
  input: unknown,
): Promise<{
  status: number;
  text: string;
  error: { message: string; data: { engineCode: string; problems: unknown[] } };
}> {
  const res = await fetch(`${h.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie },
  });
  const text = await res.text();
  return { status: res.status, text, ...(JSON.parse(text) as { error: never }) };
}

describe("a listener's contract, asked of the API by a viewer", () => {
  it('refuses a root the contract does not declare with INPUT_INVALID naming the roots it accepts', async () => {
    const message = `greeter's contract declares no element "nope"; it accepts greeting`;
    for (const procedure of ['listeners.example', 'listeners.elements']) {
      const res = await ask(procedure, { name: 'greeter', root: 'nope' });
      expect({ procedure, status: res.status }).toEqual({ procedure, status: 400 });
      expect(res.error).toMatchObject({
        message: `invalid input: root: ${message}`,
        data: { engineCode: 'INPUT_INVALID', problems: [{ path: 'root', message }] },
      });
      expect(res.text).not.toContain(dir);
    }
  });

  it("names a contract's files relative to the organism folder when it cannot serve them", async () => {
    const res = await ask('listeners.example', { name: 'looper' });
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      message: 'no example could be generated',
      data: {
        engineCode: 'SCHEMA_COMPILE_ERROR',
        problems: [{ file: 'schemas/loop.xsd', message: expect.stringContaining('loop') as unknown }],
      },
    });
    expect(res.text).not.toContain(dir);
  });

  it('still gives an example of a global element that is not a request root (a reply)', async () => {
    const res = await fetch(
      `${h.url}/trpc/listeners.example?input=${encodeURIComponent(JSON.stringify({ name: 'tools.calculator', root: 'result' }))}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
  });
});
