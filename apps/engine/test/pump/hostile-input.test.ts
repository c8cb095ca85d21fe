import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUuidV4 } from '@organism/shared';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/envelopes/${name}`, import.meta.url), 'utf8');
const GREETING_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="greeting"><xs:complexType><xs:sequence><xs:element name="name" type="xs:string"/></xs:sequence></xs:complexType></xs:element></xs:schema>`;

let h: Harness;
const names: string[] = [];

/** After any rejection the engine must still serve: a valid message goes through. */
async function stillServes(): Promise<void> {
  const before = names.length;
  const res = await h.pump.submit(fixture('valid-greeting.xml'));
  expect(res.ok).toBe(true);
  await h.pump.whenQuiet();
  expect(names.length).toBe(before + 1);
}

async function rejects(
  xml: string | Uint8Array,
  code: string,
): Promise<{ message: string; problems: readonly { line?: number; path?: string }[] }> {
  const res = await h.pump.submit(xml);
  if (res.ok) throw new Error('expected a rejection');
  expect(res.error.code).toBe(code);
  expect(h.rec.rejected.at(-1)?.raw).toBe(xml);
  return res.error;
}

// Every case runs twice: the pipeline on the pump's thread, and in an intake worker (IntakeWorkers).
describe.each([
  ['on the main thread', 0],
  ['in an intake worker', 1],
])('hostile and malformed input, %s', (_, intakeWorkers) => {
  beforeAll(async () => {
    h = makePump(
      [
        {
          name: 'greeter',
          root: 'greeting',
          xsd: GREETING_XSD,
          handler: (p) => {
            names.push((p as { name: string }).name);
          },
        },
      ],
      { maxMessageBytes: 16 * 1024 },
      { intakeWorkers, intakeAlways: true },
    );
    await h.pump.whenIntakeReady();
  });
  afterAll(() => {
    // The worker really ran the pipeline: every message of these cases went through it.
    if (intakeWorkers > 0) expect(h.pump.intakeHandled).toBeGreaterThan(20);
    h.dispose();
  });
  afterAll(() => h.dispose());

  it('rejects malformed XML with the parser message and its line and column', async () => {
    const err = await rejects(fixture('malformed-unclosed.xml'), 'MALFORMED_XML');
    expect(err.problems[0]).toMatchObject({ line: expect.any(Number) as number });
    expect(err.message).toMatch(/Premature end|end of data|not properly terminated|expected/i);
    await stillServes();
  });

  it('rejects a billion-laughs document quickly without expanding it', async () => {
    const started = performance.now();
    // libxml2 stops at its amplification limit while reading the DTD; the refusal names the DOCTYPE.
    const err = await rejects(fixture('billion-laughs.xml'), 'DOCTYPE_FORBIDDEN');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err.message).not.toMatch(/amplification|xmlCtxt/);
    await stillServes();
  });

  it('never reads a local file through an external entity', async () => {
    await rejects(fixture('external-entity-file.xml'), 'DOCTYPE_FORBIDDEN');
    expect(names.join()).not.toMatch(/root:/);
    await stillServes();
  });

  it('never processes XInclude: the include element is just an unexpected child', async () => {
    const err = await rejects(fixture('xinclude-file.xml'), 'SCHEMA_VIOLATION');
    expect(err.problems[0]).toMatchObject({ path: '/*/greeting/name' });
    expect(err.message).toMatch(/Element content is not allowed/);
    await stillServes();
  });

  it('rejects a 100,000-deep document quickly', async () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    const started = performance.now();
    const res = await h.pump.submit(deep);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(['MALFORMED_XML', 'PAYLOAD_TOO_LARGE']).toContain(res.error.code);
    // Under the size limit the parser's own depth limit answers.
    const { pump } = h;
    const underLimit = '<a>'.repeat(2000) + '</a>'.repeat(2000);
    const res2 = await pump.submit(underLimit);
    expect(res2).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_XML',
        message: 'elements are nested more than 256 deep, the most a document may nest',
      },
    });
    expect(performance.now() - started).toBeLessThan(2000);
    await stillServes();
  });

  it('refuses an element with more attributes than canonicalizing can take, before canonicalizing it', async () => {
    // 1,000 attributes on one element: about 11 ms of C14N; 36,000 in a 250 KB request held the engine
    // 6 s. The envelope's own element is as much at risk as the payload's.
    const many = Array.from({ length: 1_000 }, (_, i) => ` a${i}=""`).join('');
    const onEnvelope = `<e:message xmlns:e="https://xml-pipeline.org/ns/envelope/v1"\n${many}><e:meta><e:from>c</e:from></e:meta><greeting><name>A</name></greeting></e:message>`;
    const err = await rejects(onEnvelope, 'MALFORMED_XML');
    expect(err.message).toBe(
      '<e:message> has 1001 attributes; an element may have 256 at most (namespace declarations included)',
    );
    expect(err.problems).toEqual([{ message: err.message, line: 1, column: 1 }]);
    const inPayload = envelope(`<greeting>\n<name${many}>A</name></greeting>`, { from: 'c', to: 'greeter' });
    expect((await rejects(inPayload, 'MALFORMED_XML')).problems[0]).toMatchObject({ line: 2, column: 1 });
    await stillServes();
  });

  it('answers a payload with hundreds of problems with the first 100 and a count of the rest', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ` a${i}=""`).join('');
    const err = await rejects(
      envelope(`<greeting${many}><name>A</name></greeting>`, { from: 'c', to: 'greeter' }),
      'SCHEMA_VIOLATION',
    );
    expect(err.problems).toHaveLength(101);
    expect(err.problems.at(-1)).toEqual({ message: 'and 150 more problems (the first 100 are listed)' });
    expect(h.rec.rejected.at(-1)?.error.problems).toHaveLength(101);
    await stillServes();
  });

  it('refuses a namespace with a relative URI, which has no canonical form, and says which', async () => {
    const relative = envelope(`<greeting xmlns:q="orders">\n<name>A</name></greeting>`, {
      from: 'c',
      to: 'greeter',
    });
    const err = await rejects(relative, 'MALFORMED_XML');
    expect(err.message).toMatch(
      /^namespace "orders" \(xmlns:q\) is a relative URI, which canonical XML refuses/,
    );
    expect(err.problems[0]?.line).toBe(1);
    await stillServes();
  });

  it('refuses input over the size limit before parsing it', async () => {
    const big = envelope(`<greeting><name>${'x'.repeat(20_000)}</name></greeting>`, {
      from: 'c',
      to: 'greeter',
    });
    const err = await rejects(big, 'PAYLOAD_TOO_LARGE');
    expect(err.message).toMatch(/limit is 16384/);
    await stillServes();
  });

  it('rejects invalid UTF-8 bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from(fixture('valid-greeting.xml').replace('Ada', 'A')),
      Buffer.from([0xff, 0xfe]),
    ]);
    const bad = Buffer.from(fixture('valid-greeting.xml').replace('Ada', 'A\u0000'.replace('\u0000', '')));
    bytes.set([0xc3, 0x28], bad.indexOf('A') + 1);
    await rejects(new Uint8Array(bytes), 'MALFORMED_XML');
    await stillServes();
  });

  it('rejects a document that is not an envelope', async () => {
    const err = await rejects(fixture('not-an-envelope.xml'), 'ENVELOPE_INVALID');
    expect(err.message).toMatch(/must be an envelope/);
  });

  it('rejects two payloads and names both', async () => {
    const err = await rejects(fixture('two-payloads.xml'), 'MULTIPLE_PAYLOADS');
    expect(err.problems).toHaveLength(2);
  });

  it('rejects an envelope with no payload', async () => {
    await rejects(fixture('no-payload.xml'), 'NO_PAYLOAD');
  });

  it('rejects an envelope without a sender', async () => {
    await rejects(fixture('missing-from.xml'), 'MISSING_FROM');
  });

  it('rejects an unknown route and records why', async () => {
    const err = await rejects(fixture('unknown-route.xml'), 'UNKNOWN_ROUTE');
    expect(err.message).toBe('no listener named "nobody"');
  });

  it('rejects a payload that violates its XSD with line and XPath', async () => {
    const err = await rejects(fixture('schema-violation.xml'), 'SCHEMA_VIOLATION');
    expect(err.problems[0]).toMatchObject({ line: 3, path: '/*/greeting/nom' });
    expect(err.problems[0] && 'message' in err.problems[0] && err.problems[0].message).toMatch(
      /nom.*not expected/,
    );
  });

  it('starts a new thread for an invalid thread id and records a diagnostic', async () => {
    const res = await h.pump.submit(fixture('invalid-thread-id.xml'));
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(isUuidV4(res.threadId)).toBe(true);
    await h.pump.whenQuiet();
    const diag = h.rec.events.find((e) => e.type === 'diagnostic');
    expect(diag).toMatchObject({
      threadId: res.threadId,
      message: expect.stringContaining('not-a-uuid') as string,
    });
  });

  it('keeps a valid thread id given by the producer', async () => {
    const thread = '3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f';
    const res = await h.pump.submit(
      envelope('<greeting><name>x</name></greeting>', { from: 'c', to: 'greeter', thread }),
    );
    expect(res).toMatchObject({ ok: true, threadId: thread });
    await h.pump.whenQuiet();
  });

  it('rejects text sitting directly inside the envelope', async () => {
    const xml = fixture('valid-greeting.xml').replace('</meta>', '</meta>stray text');
    await rejects(xml, 'ENVELOPE_INVALID');
  });
});
