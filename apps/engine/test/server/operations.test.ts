import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { copyDemo, demoGreeting, post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
let yamlPath: string;
beforeAll(async () => {
  // A private copy of the demo organism: these tests change its configuration.
  const dir = copyDemo('organism-ops-');
  yamlPath = join(dir, 'organism.yaml');
  h = await startHarness(yamlPath);
});
afterAll(async () => h.close());

const shoutEnvelope = (to: string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>${to}</to></meta><shout xmlns=""><text>hi</text></shout></message>`;

async function engineCode(
  p: Promise<unknown>,
): Promise<{ code: string | null; problems: { line?: number; file?: string; message: string }[] }> {
  try {
    await p;
    return { code: null, problems: [] };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const data = err.data as
      | { engineCode?: string | null; problems?: { line?: number; file?: string; message: string }[] }
      | undefined;
    return { code: data?.engineCode ?? null, problems: data?.problems ?? [] };
  }
}

describe('live configuration through the API', () => {
  it('validates and diffs without touching the running organism', async () => {
    const admin = await h.client('admin');
    const { yaml } = await admin.config.get.query();
    const added = `${yaml}\n  - name: echo\n    description: Shouts back.\n    payload:\n      schema: schemas/shouter.xsd\n    handler: ./handlers/shouter.ts#shout\n`;
    expect(await admin.config.validate.mutate({ yaml: added })).toEqual({ ok: true, listeners: 9 });
    const diff = await admin.config.diff.mutate({
      yaml: added.replace(/\n {2}- name: sleeper[\s\S]*?maxDelayMs: 1s\n/, '\n'),
    });
    expect(diff).toMatchObject({ ok: true, diff: { added: ['echo'], removed: ['sleeper'] } });
    expect(h.engine.listeners().map((l) => l.name)).not.toContain('echo');
  });

  it("tries a changed contract on the listener's newest messages from the journal", async () => {
    const admin = await h.client('admin');
    for (let i = 0; i < 2; i++) expect((await post(h, shoutEnvelope('shouter'))).status).toBe(202);
    await h.engine.whenQuiet();
    const { yaml } = await admin.config.get.query();
    // The shouter given the sleeper's contract: none of its shouts would be accepted any more.
    const swapped = yaml.replace(
      /(- name: shouter[\s\S]*?schema: )schemas\/shouter\.xsd/,
      '$1schemas/sleeper.xsd',
    );
    expect(swapped).not.toBe(yaml);
    const diff = await admin.config.diff.mutate({ yaml: swapped });
    if (!diff.ok) throw new Error(JSON.stringify(diff.problems));
    expect(diff.diff.changed).toEqual([{ name: 'shouter', fields: ['payload.schema'] }]);
    const [shouter] = diff.contracts;
    expect(shouter?.listener).toBe('shouter');
    expect(shouter?.checked).toBeGreaterThanOrEqual(2);
    expect(shouter?.refused).toBe(shouter?.checked);
    expect(shouter?.examples[0]?.problem).toMatch(/its root shout is not one the new contract accepts/);
  });

  it('reports a broken YAML, a broken XSD and a missing handler with their places, and changes nothing', async () => {
    const admin = await h.client('admin');
    const { yaml } = await admin.config.get.query();
    const before = h.engine.listeners().map((l) => l.name);
    const badYaml = await admin.config.validate.mutate({ yaml: `${yaml}\n  - name: [oops\n` });
    expect(badYaml.ok).toBe(false);
    writeFileSync(
      join(dirname(yamlPath), 'schemas/broken.xsd'),
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n  <xs:element name="x" type="xs:nope"/>\n</xs:schema>\n',
    );
    const brokenXsd = `${yaml}\n  - name: broken\n    description: Has a broken schema.\n    payload:\n      schema: schemas/broken.xsd\n    handler: ./handlers/shouter.ts#shout\n`;
    const saved = await engineCode(admin.config.save.mutate({ yaml: brokenXsd }));
    expect(saved.code).toBe('CONFIG_INVALID');
    expect(saved.problems.some((p) => p.file?.endsWith('broken.xsd') && p.line === 2)).toBe(true);
    // The audit log says which problems, with their places, not only that there were some.
    const [refused] = (await admin.audit.list.query({ action: 'config.apply', outcome: 'error' })).items;
    expect(refused?.error).toMatch(
      /^the configuration was not applied: it has problems: organism\.yaml:\d+:\d+ listeners\[\d+\]\.payload\.schema: schema schemas\/broken\.xsd does not compile; schemas\/broken\.xsd:2 .*nope/,
    );
    const missing = `${yaml}\n  - name: ghost\n    description: Points at nothing.\n    payload:\n      schema: schemas/shouter.xsd\n    handler: ./handlers/shouter.ts#nothingHere\n`;
    const result = await admin.config.validate.mutate({ yaml: missing });
    expect(result.ok === false && result.problems[0]?.message).toMatch(/no export "nothingHere"/);
    expect(readFileSync(yamlPath, 'utf8')).toBe(yaml);
    expect(h.engine.listeners().map((l) => l.name)).toEqual(before);
  });

  it('saves a change, reloads it live, keeps history and rolls back', async () => {
    const admin = await h.client('admin');
    const { yaml } = await admin.config.get.query();
    const withEcho = `${yaml}\n  - name: echo\n    description: Shouts back.\n    payload:\n      schema: schemas/shouter.xsd\n    handler: ./handlers/shouter.ts#shout\n`;
    expect((await post(h, shoutEnvelope('echo'))).status).toBe(400);
    expect(await admin.config.save.mutate({ yaml: withEcho, note: 'add echo' })).toEqual({
      ok: true,
      added: ['echo'],
      removed: [],
      updated: [],
    });
    expect((await post(h, shoutEnvelope('echo'))).status).toBe(202);
    const history = await admin.config.history.query();
    expect(history[0]).toMatchObject({ actor: 'admin', note: 'add echo' });
    // The saved version is the text the save replaced, readable by an operator to compare.
    const op = await h.client('operator');
    expect(await op.config.version.query({ id: history[0]?.id ?? '' })).toEqual({
      id: history[0]?.id,
      yaml,
      includes: [],
    });
    expect((await engineCode(op.config.version.query({ id: '0badc0de' }))).code).toBe('NOT_FOUND');
    const viewer = await h.client('viewer');
    expect((await engineCode(viewer.config.version.query({ id: history[0]?.id ?? '' }))).code).toBe(
      'FORBIDDEN',
    );
    const rolled = await admin.config.rollback.mutate({ id: history[0]?.id ?? '' });
    expect(rolled).toMatchObject({ ok: true, removed: ['echo'] });
    expect((await post(h, shoutEnvelope('echo'))).status).toBe(400);
    expect(h.engine.listeners().map((l) => l.name)).toContain('system.boot');
  });

  it('refuses a save begun from a version that is no longer the file’s, with CONFLICT, and changes nothing', async () => {
    const [a, b] = [await h.client('admin'), await h.client('admin')];
    // Two admins open the same version.
    const opened = await a.config.get.query();
    expect(opened.version).toMatch(/^[0-9a-f]{16}$/);
    expect((await b.config.get.query()).version).toBe(opened.version);
    const listener = (name: string): string =>
      `\n  - name: ${name}\n    description: Shouts back.\n    payload:\n      schema: schemas/shouter.xsd\n    handler: ./handlers/shouter.ts#shout\n`;
    // The first saves; the second, still on the version it opened, is refused and writes nothing.
    const first = `${opened.yaml}${listener('echo1')}`;
    await a.config.save.mutate({ yaml: first, basedOn: opened.version });
    const stale = await engineCode(
      b.config.save.mutate({ yaml: `${opened.yaml}${listener('echo2')}`, basedOn: opened.version }),
    );
    expect(stale.code).toBe('CONFLICT');
    const now = await b.config.get.query();
    expect(now.yaml).toBe(first);
    expect(readFileSync(yamlPath, 'utf8')).toBe(first);
    expect(h.engine.listeners().map((l) => l.name)).not.toContain('echo2');
    // A rollback from the history as it was seen then is refused the same way.
    const [last] = await b.config.history.query();
    expect(
      (await engineCode(b.config.rollback.mutate({ id: last?.id ?? '', basedOn: opened.version }))).code,
    ).toBe('CONFLICT');
    expect(readFileSync(yamlPath, 'utf8')).toBe(first);
    // Saving over it knowingly: from the version it now is.
    await b.config.save.mutate({ yaml: opened.yaml, basedOn: now.version });
    expect(h.engine.listeners().map((l) => l.name)).not.toContain('echo1');
    const audit = (await a.audit.list.query({ limit: 10 })).items.map((i) => `${i.action} ${i.outcome}`);
    expect(audit.slice(0, 4)).toEqual([
      'config.apply ok',
      'config.rollback error',
      'config.apply error',
      'config.apply ok',
    ]);
  });

  it('reloads an updated listener from disk and refuses a broken file on disk', async () => {
    const op = await h.client('operator');
    const original = readFileSync(yamlPath, 'utf8');
    writeFileSync(yamlPath, original.replace('concurrency: 4', 'concurrency: 2'));
    expect(await op.organism.reload.mutate()).toEqual({
      ok: true,
      added: [],
      removed: [],
      updated: ['tools.calculator'],
    });
    expect(h.engine.listeners().find((l) => l.name === 'tools.calculator')?.concurrency).toBe(2);
    const reloaded = original.replace('concurrency: 4', 'concurrency: 2');
    // The file and what runs are the same text, one version.
    const same = await op.config.get.query();
    expect(same.running).toEqual({ yaml: reloaded, version: same.version });
    writeFileSync(yamlPath, original.replace('listeners:', 'listeners: [broken'));
    expect((await engineCode(op.organism.reload.mutate())).code).toBe('CONFIG_INVALID');
    expect(h.engine.listeners().find((l) => l.name === 'tools.calculator')?.concurrency).toBe(2);
    // Refused, the broken file is on disk and the text loaded before still runs: config.get tells them apart.
    const apart = await op.config.get.query();
    expect(apart.yaml).toContain('listeners: [broken');
    expect(apart.running).toEqual({ yaml: reloaded, version: same.version });
    expect(apart.version).not.toBe(same.version);
    // A setting only a start reads is named as such, and the listeners stay as they are.
    writeFileSync(yamlPath, reloaded.replace('name: demo', 'name: demo\nserver:\n  host: 0.0.0.0'));
    expect(await op.organism.reload.mutate()).toEqual({
      ok: true,
      added: [],
      removed: [],
      updated: [],
      atRestart: ['server.host'],
    });
    writeFileSync(yamlPath, original);
  });
});

describe('listeners, dead letters and threads through the API', () => {
  it('shows a listener’s XSD files and a generated example that its contract accepts', async () => {
    const viewer = await h.client('viewer');
    const { files } = await viewer.listeners.schema.query({ name: 'orders' });
    expect(files.map((f) => f.file)).toEqual([
      'schemas/orders.xsd',
      'schemas/common/money.xsd',
      'schemas/common/address.xsd',
    ]);
    const system = await viewer.listeners.schema.query({ name: 'system.boot' });
    expect(system.files.map((f) => f.file)).toEqual(['system.xsd']);
    const example = await viewer.listeners.example.query({ name: 'orders' });
    const op = await h.client('operator');
    expect(
      (await op.messages.inject.mutate({ to: 'orders', payloadXml: example.xml })).messageIds,
    ).toHaveLength(1);
  });

  it('retries a dead letter, previews a bulk retry, discards one and then the rest, and audits each', async () => {
    const op = await h.client('operator');
    const div0 = (n: number): string =>
      `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>tools.calculator</to></meta><calculate xmlns=""><a>${n}</a><op>div</op><b>0</b></calculate></message>`;
    for (let i = 1; i <= 3; i++) expect((await post(h, div0(i))).status).toBe(202);
    await h.engine.whenQuiet();
    const dead = await op.journal.list.query({
      state: 'FAILED',
      to: 'tools.calculator',
      errorCode: 'HANDLER_ERROR',
    });
    expect(dead.items).toHaveLength(3);
    const preview = await op.journal.retryMany.mutate({
      filter: { to: 'tools.calculator', errorCode: 'HANDLER_ERROR' },
      dryRun: true,
    });
    expect(preview.count).toBe(3);
    await op.journal.retry.mutate({ messageId: dead.items[0]?.id ?? '' });
    await h.engine.whenQuiet();
    const after = await op.messages.byId.query({ id: dead.items[0]?.id ?? '' });
    expect(after.transitions.map((t) => t.state)).toEqual([
      'PENDING',
      'DISPATCHED',
      'FAILED',
      'PENDING',
      'DISPATCHED',
      'FAILED',
    ]);
    // Its history says who put it back.
    expect(after.transitions[3]).toMatchObject({ state: 'PENDING', detail: 'retried by operator' });
    await op.journal.discard.mutate({ messageId: dead.items[1]?.id ?? '' });
    expect((await engineCode(op.messages.byId.query({ id: dead.items[1]?.id ?? '' }))).code).toBe(
      'NOT_FOUND',
    );
    const filter = { to: 'tools.calculator', errorCode: 'HANDLER_ERROR' };
    // Retry many: the two left go back to the queue, each payload read from the journal as it runs, and
    // the handler fails on it again (division by zero): one more attempt each (the one retried above has
    // had three).
    expect((await op.journal.retryMany.mutate({ filter, dryRun: false })).count).toBe(2);
    await h.engine.whenQuiet();
    for (const m of (await op.journal.list.query({ state: 'FAILED', ...filter })).items) {
      const attempts = m.id === dead.items[0]?.id ? 3 : 2;
      expect(m).toMatchObject({ attempts, errorCode: 'HANDLER_ERROR' });
      const detail = await op.messages.byId.query({ id: m.id });
      expect(detail.errorDetail).toMatch(/zero/i);
      // Where it failed, without the server's folders: the handler's file relative to the organism's.
      expect(detail.errorDetail).toMatch(/\(handlers\/calculator\.ts:\d+:\d+\)/);
      expect(detail.errorDetail).not.toMatch(/\((file:\/\/)?\//);
      expect(detail.transitions.map((t) => t.state).slice(-3)).toEqual(['PENDING', 'DISPATCHED', 'FAILED']);
      expect(detail.transitions.at(-3)?.detail).toBe('retried by operator in a bulk retry');
    }
    // Discard many: a dry run counts what is left and changes nothing; a viewer may not; the operator's
    // takes them all and says how many.
    expect((await op.journal.discardMany.mutate({ filter, dryRun: true })).count).toBe(2);
    const viewer = await h.client('viewer');
    expect((await engineCode(viewer.journal.discardMany.mutate({ filter, dryRun: false }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await op.journal.list.query({ state: 'FAILED', ...filter })).items).toHaveLength(2);
    expect((await op.journal.discardMany.mutate({ filter, dryRun: false })).count).toBe(2);
    expect((await op.journal.list.query({ state: 'FAILED', ...filter })).items).toEqual([]);
    const admin = await h.client('admin');
    const actions = (await admin.audit.list.query({ limit: 100 })).items.map(
      (a) => `${a.actor} ${a.action} ${a.outcome}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'operator journal.retry ok',
        'operator journal.discard ok',
        'operator journal.discardMany ok',
        'admin config.apply ok',
        'admin config.apply error',
        'admin config.rollback ok',
        'operator organism.reload ok',
        'operator organism.reload error',
      ]),
    );
    // The bulk actions say how many they took, beside the filter they took them by (newest first; dry
    // runs are not audited, the viewer's refusal is, with no detail).
    const bulk = async (action: string): Promise<unknown[]> =>
      (await admin.audit.list.query({ action })).items.map((a) => ({
        actor: a.actor,
        outcome: a.outcome,
        detail: a.detail === null ? null : (JSON.parse(a.detail) as unknown),
      }));
    expect(await bulk('journal.retryMany')).toEqual([
      { actor: 'operator', outcome: 'ok', detail: { ...filter, retried: 2 } },
    ]);
    expect(await bulk('journal.discardMany')).toEqual([
      { actor: 'operator', outcome: 'ok', detail: { ...filter, discarded: 2 } },
      { actor: 'viewer', outcome: 'error', detail: null },
    ]);
  });

  it('kills a thread and audits it', async () => {
    const op = await h.client('operator');
    const nap = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>sleeper</to></meta><nap xmlns=""><ms>1500</ms></nap></message>`;
    const { threadId } = (await (await post(h, nap)).json()) as { threadId: string };
    await new Promise((r) => setTimeout(r, 100)); // the nap is running; it would time out and be retried
    await op.threads.kill.mutate({ id: threadId });
    await h.engine.whenQuiet();
    const thread = await op.threads.byId.query({ id: threadId });
    expect(thread.messages).toHaveLength(1);
    const entry = await op.messages.byId.query({ id: thread.messages[0]?.id ?? '' });
    // Killed while running: it finishes (here: times out), is not retried and sends no SystemError.
    expect(entry).toMatchObject({ state: 'FAILED', errorCode: 'HANDLER_TIMEOUT', attempts: 1 });
    expect(entry.transitions.map((t) => t.state)).toEqual(['PENDING', 'DISPATCHED', 'FAILED']);
    const admin = await h.client('admin');
    expect((await admin.audit.list.query({ action: 'thread.kill' })).items[0]).toMatchObject({
      actor: 'operator',
      target: threadId,
      outcome: 'ok',
    });
  });

  it('refuses to kill what is no thread id (400) and a thread it never saw (404, audited)', async () => {
    const op = await h.client('operator');
    const refusal = (id: string) =>
      op.threads.kill.mutate({ id }).then(
        () => undefined,
        (err: TRPCClientError<AppRouter>) => ({
          status: err.data?.httpStatus,
          code: err.data?.engineCode,
          message: err.message,
          problems: err.data?.problems,
        }),
      );
    expect(await refusal('nope')).toEqual({
      status: 400,
      code: 'INPUT_INVALID',
      message: 'invalid input: id: not a thread id: a thread id is a UUID (version 4)',
      problems: [{ path: 'id', message: 'not a thread id: a thread id is a UUID (version 4)' }],
    });
    const unknown = randomUUID();
    expect(await refusal(unknown)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: `no thread ${unknown}`,
      problems: [],
    });
    // A thread that ran to its end is still one: killing it stops nothing.
    const { threadId } = (await (await post(h, demoGreeting(1))).json()) as { threadId: string };
    await h.engine.whenQuiet();
    expect(await op.threads.kill.mutate({ id: threadId })).toEqual({ stopped: 0 });
    const admin = await h.client('admin');
    expect(
      (await admin.audit.list.query({ action: 'thread.kill', outcome: 'error' })).items.map((a) => a.target),
    ).toEqual([unknown]);
  });
});
