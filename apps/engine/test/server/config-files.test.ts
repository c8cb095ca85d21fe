import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemo, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
let dir: string;
let outside: string;
beforeAll(async () => {
  // A private copy of the demo organism: these tests write into its folder.
  dir = copyDemo('organism-files-');
  outside = mkdtempSync(join(tmpdir(), 'organism-outside-'));
  symlinkSync(outside, join(dir, 'schemas', 'elsewhere'));
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());

const ECHO_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="echo" type="xs:string"/>
  <xs:element name="ping" type="xs:string"/>
</xs:schema>
`;

async function refusal(
  p: Promise<unknown>,
): Promise<{ code: string | null; problems: { path?: string; line?: number; message: string }[] }> {
  try {
    await p;
    return { code: null, problems: [] };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const data = err.data as {
      engineCode?: string;
      problems?: { path?: string; line?: number; message: string }[];
    };
    return { code: data.engineCode ?? null, problems: data.problems ?? [] };
  }
}

describe('the organism folder through the API', () => {
  it('lists XSDs with their global elements and handler modules with their exports, never node_modules', async () => {
    const op = await h.client('operator');
    const files = await op.config.files.query();
    const orders = files.schemas.find((s) => s.path === 'schemas/orders.xsd');
    expect(orders?.problems).toEqual([]);
    expect(orders?.globalElements).toContain(`{${orders?.targetNamespace ?? ''}}order`);
    expect(files.handlers.find((f) => f.path === 'handlers/shouter.ts')).toMatchObject({
      exports: ['shout'],
      complete: true,
    });
    expect([...files.schemas, ...files.handlers].some((f) => f.path.includes('node_modules'))).toBe(false);
    const viewer = await h.client('viewer');
    expect((await refusal(viewer.config.files.query())).code).toBe('FORBIDDEN');
  });

  it('writes an uploaded XSD that compiles, answers its roots, and a listener can use it', async () => {
    const admin = await h.client('admin');
    const result = await admin.config.upload.mutate({ path: 'schemas/uploaded/echo.xsd', content: ECHO_XSD });
    expect(result).toEqual({
      kind: 'xsd',
      path: 'schemas/uploaded/echo.xsd',
      globalElements: ['echo', 'ping'],
    });
    expect(readFileSync(join(dir, 'schemas/uploaded/echo.xsd'), 'utf8')).toBe(ECHO_XSD);
    const { yaml } = await admin.config.get.query();
    const withEcho = `${yaml}\n  - name: echo\n    description: Echoes.\n    payload:\n      schema: schemas/uploaded/echo.xsd\n      root: echo\n    handler: ./handlers/shouter.ts#shout\n`;
    expect(await admin.config.validate.mutate({ yaml: withEcho })).toMatchObject({ ok: true });
    // A file already there is replaced only when asked to.
    const again = await refusal(
      admin.config.upload.mutate({ path: 'schemas/uploaded/echo.xsd', content: ECHO_XSD }),
    );
    expect(again.code).toBe('CONFLICT');
    expect(
      await admin.config.upload.mutate({
        path: 'schemas/uploaded/echo.xsd',
        content: ECHO_XSD,
        overwrite: true,
      }),
    ).toMatchObject({ kind: 'xsd' });
    const audit = await admin.audit.list.query({ action: 'config.upload' });
    expect(audit.items.map((a) => a.outcome)).toEqual(['ok', 'error', 'ok']);
    expect(audit.items[0]).toMatchObject({ actor: 'admin', target: 'schemas/uploaded/echo.xsd' });
  });

  it('refuses paths that leave the organism folder, by .., absolute path or symbolic link, and writes nothing', async () => {
    const admin = await h.client('admin');
    for (const path of ['../escape.xsd', 'schemas/../../escape.xsd', '/tmp/escape.xsd', 'C:/escape.xsd']) {
      const r = await refusal(admin.config.upload.mutate({ path, content: ECHO_XSD }));
      expect(r.code, path).toBe('INPUT_INVALID');
      expect(r.problems[0]?.path, path).toBe('path');
    }
    expect(existsSync(join(dirname(dir), 'escape.xsd'))).toBe(false);
    const linked = await refusal(
      admin.config.upload.mutate({ path: 'schemas/elsewhere/escape.xsd', content: ECHO_XSD }),
    );
    expect(linked.code).toBe('INPUT_INVALID');
    expect(linked.problems[0]?.message).toMatch(/symbolic link/);
    expect(existsSync(join(outside, 'escape.xsd'))).toBe(false);
    for (const path of ['.organism/x.xsd', 'node_modules/x.ts', 'schemas/echo.txt', 'handlers/types.d.ts'])
      expect((await refusal(admin.config.upload.mutate({ path, content: ECHO_XSD }))).code, path).toBe(
        'INPUT_INVALID',
      );
  });

  it('refuses an oversized file, an XSD that does not compile and a module that does not parse', async () => {
    const admin = await h.client('admin');
    const big = await refusal(
      admin.config.upload.mutate({ path: 'schemas/big.xsd', content: 'x'.repeat(600 * 1024) }),
    );
    expect(big).toMatchObject({
      code: 'INPUT_INVALID',
      problems: [{ path: 'content', message: 'at most 512 KiB' }],
    });
    const broken = await refusal(
      admin.config.upload.mutate({
        path: 'schemas/broken.xsd',
        content:
          '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n  <xs:element name="x" type="xs:nope"/>\n</xs:schema>\n',
      }),
    );
    expect(broken.code).toBe('SCHEMA_COMPILE_ERROR');
    expect(broken.problems.some((p) => p.line === 2)).toBe(true);
    expect(existsSync(join(dir, 'schemas/broken.xsd'))).toBe(false);
    const notXml = await refusal(
      admin.config.upload.mutate({ path: 'schemas/junk.xsd', content: 'not <xml' }),
    );
    expect(notXml.code).toBe('SCHEMA_COMPILE_ERROR');
    const module = await refusal(
      admin.config.upload.mutate({ path: 'handlers/bad.ts', content: 'export function (' }),
    );
    expect(module).toMatchObject({ code: 'INPUT_INVALID', problems: [{ path: 'content' }] });
    expect(existsSync(join(dir, 'handlers/bad.ts'))).toBe(false);
  });

  it('writes a handler module that parses and answers its exports; operators may not upload', async () => {
    const admin = await h.client('admin');
    const content = `export const echo = (p: unknown): unknown => p;\nexport function other(): void {}\n`;
    expect(await admin.config.upload.mutate({ path: 'handlers/echo.ts', content })).toEqual({
      kind: 'handler',
      path: 'handlers/echo.ts',
      exports: ['echo', 'other'],
    });
    expect(readFileSync(join(dir, 'handlers/echo.ts'), 'utf8')).toBe(content);
    const op = await h.client('operator');
    expect((await refusal(op.config.upload.mutate({ path: 'handlers/x.ts', content }))).code).toBe(
      'FORBIDDEN',
    );
  });
});
