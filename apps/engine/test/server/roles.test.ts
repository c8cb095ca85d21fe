import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { engineCode?: string | null; code?: string } | undefined;
      return data?.engineCode ?? data?.code ?? null;
    }
    throw err;
  }
}

describe('operators and roles', () => {
  it('refuses everything but sign-in to anonymous callers', async () => {
    const anon = await h.client();
    expect(await codeOf(anon.organism.status.query())).toBe('UNAUTHORIZED');
    expect(await anon.auth.me.query()).toEqual({ user: null });
  });

  it('signs in with a cookie session and out again', async () => {
    const viewer = await h.client('viewer');
    expect((await viewer.auth.me.query()).user).toMatchObject({ name: 'viewer', role: 'viewer' });
    await viewer.auth.logout.mutate();
    expect(await codeOf(viewer.organism.status.query())).toBe('UNAUTHORIZED');
  });

  it('sets the session cookie httpOnly and SameSite=Strict, and Secure when the browser came over HTTPS', async () => {
    const login = async (headers: Record<string, string>) => {
      const res = await fetch(`${h.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'viewer', password: 'correct horse battery' }),
      });
      expect(res.status).toBe(200);
      return res.headers.get('set-cookie') ?? '';
    };
    const plain = await login({});
    expect(plain).toMatch(/^organism_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    // Behind a proxy that ended TLS (the console passes the header on).
    expect(await login({ 'x-forwarded-proto': 'https' })).toMatch(/; Max-Age=43200; Secure$/);
    expect(await login({ 'x-forwarded-proto': 'https, http' })).toMatch(/; Secure$/);
    expect(await login({ 'x-forwarded-proto': 'http' })).not.toMatch(/Secure/);
    // Signing out clears it with the same attributes.
    const out = await fetch(`${h.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: plain.split(';')[0] ?? '',
        'x-forwarded-proto': 'https',
      },
      body: '{}',
    });
    expect(out.headers.get('set-cookie')).toBe(
      'organism_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure',
    );
  });

  it('rejects a wrong password and rate-limits repeated failures', async () => {
    await h.store.createUser('target', 'viewer', 'the right password');
    const anon = await h.client();
    const codes: (string | null)[] = [];
    for (let i = 0; i < 7; i++)
      codes.push(await codeOf(anon.auth.login.mutate({ name: 'target', password: `wrong-${i}` })));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('UNAUTHORIZED'));
    expect(codes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    // Even the right password waits out the window; other names from the same address still sign in.
    expect(await codeOf(anon.auth.login.mutate({ name: 'target', password: 'the right password' }))).toBe(
      'RATE_LIMITED',
    );
    expect((await (await h.client('viewer')).auth.me.query()).user?.name).toBe('viewer');
  });

  it('lets a viewer read but not act', async () => {
    const viewer = await h.client('viewer');
    expect((await viewer.listeners.list.query()).map((l) => l.name)).toContain('greeter');
    expect(
      await codeOf(
        viewer.messages.inject.mutate({ to: 'greeter', payloadXml: '<greeting><name>x</name></greeting>' }),
      ),
    ).toBe('FORBIDDEN');
    expect(await codeOf(viewer.journal.retry.mutate({ messageId: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(viewer.organism.reload.mutate())).toBe('FORBIDDEN');
    expect(await codeOf(viewer.users.list.query())).toBe('FORBIDDEN');
    // Ten times over: each refused, written once (a flood of them must not bury the log).
    for (let i = 0; i < 10; i++)
      expect(
        await codeOf(viewer.users.add.mutate({ name: 'mallory', role: 'admin', password: 'long enough pw' })),
      ).toBe('FORBIDDEN');
    // Each mutation refused for its role is in the audit log, under its procedure, without its input;
    // a refused read is not.
    const audit = await h.store.listAudit({ limit: 50, actor: 'viewer' });
    const refused = audit.items.filter((a) => a.outcome === 'error');
    expect(refused.map((a) => a.action).sort()).toEqual([
      'journal.retry',
      'messages.inject',
      'organism.reload',
      'users.add',
    ]);
    const add = refused.find((a) => a.action === 'users.add');
    expect(add).toMatchObject({
      target: null,
      detail: null,
      error: 'this needs the admin role; you are viewer',
    });
  });

  it('lets an operator inject, retry and reload, but not manage users or restart', async () => {
    const op = await h.client('operator');
    const sent = await op.messages.inject.mutate({
      to: 'greeter',
      payloadXml: '<greeting><name>Op</name></greeting>',
    });
    expect(sent.messageIds).toHaveLength(1);
    expect(
      await codeOf(op.messages.inject.mutate({ to: 'greeter', payloadXml: '<greeting><nom/></greeting>' })),
    ).toBe('SCHEMA_VIOLATION');
    expect(await codeOf(op.journal.retry.mutate({ messageId: '00000000-0000-4000-8000-000000000000' }))).toBe(
      'NOT_FOUND',
    );
    expect((await op.organism.reload.mutate()).ok).toBe(true);
    expect(await codeOf(op.users.list.query())).toBe('FORBIDDEN');
    expect(await codeOf(op.organism.restart.mutate({ drainMs: 0 }))).toBe('FORBIDDEN');
  });

  it('lets an admin manage users and tokens, and audits every action with its outcome', async () => {
    const admin = await h.client('admin');
    await admin.users.add.mutate({ name: 'newbie', role: 'viewer', password: 'long enough pw' });
    expect(
      await codeOf(admin.users.add.mutate({ name: 'newbie', role: 'viewer', password: 'long enough pw' })),
    ).toBe('CONFLICT');
    await admin.users.setRole.mutate({ name: 'newbie', role: 'operator' });
    const { token, id } = await admin.users.createToken.mutate({ name: 'producer' });
    expect(token).toMatch(/^org_/);
    await admin.users.revokeToken.mutate({ id });
    await admin.users.remove.mutate({ name: 'newbie' });
    const audit = await admin.audit.list.query({ limit: 50 });
    const actions = audit.items.map((a) => `${a.actor} ${a.action} ${a.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'admin user.add ok',
        'admin user.add error',
        'admin user.role ok',
        'admin token.create ok',
        'admin token.revoke ok',
        'admin user.remove ok',
        'operator message.inject ok',
        'operator message.inject error',
        'operator organism.reload ok',
        'operator journal.retry error',
      ]),
    );
  });
});
