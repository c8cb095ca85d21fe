import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE_NS } from '@organism/shared';
import { PASSWORD, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

interface Refusal {
  engineCode: string | null;
  message: string;
  problems: { path?: string; message: string }[];
}

async function refusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { engineCode?: string; problems?: Refusal['problems'] } | undefined;
      return { engineCode: data?.engineCode ?? null, message: err.message, problems: data?.problems ?? [] };
    }
    throw err;
  }
  throw new Error('expected a refusal, got an answer');
}

const greeting = `<message xmlns="${ENVELOPE_NS}"><meta><from>shop</from><to>greeter</to></meta><greeting xmlns=""><name>Ada</name></greeting></message>`;

describe('an admin managing users', () => {
  it('adds a user, changes their role, resets their password and removes them', async () => {
    const admin = await h.client('admin');
    await admin.users.add.mutate({ name: 'dora', role: 'viewer', password: 'first password' });
    await admin.users.setRole.mutate({ name: 'dora', role: 'operator' });
    // The audit log says what the role was, beside what it became.
    const [change] = (await admin.audit.list.query({ action: 'user.role', limit: 1 })).items;
    expect(change).toMatchObject({ target: 'dora', outcome: 'ok' });
    expect(JSON.parse(change?.detail ?? 'null')).toEqual({ role: 'operator', was: 'viewer' });
    const dora = await h.client();
    await dora.auth.login.mutate({ name: 'dora', password: 'first password' });
    expect((await dora.auth.me.query()).user).toMatchObject({ name: 'dora', role: 'operator' });
    // A reset locks out whoever held the old password's sessions.
    await admin.users.setPassword.mutate({ name: 'dora', password: 'second password' });
    expect((await refusal(dora.organism.status.query())).engineCode).toBe('UNAUTHORIZED');
    await dora.auth.login.mutate({ name: 'dora', password: 'second password' });
    await admin.users.remove.mutate({ name: 'dora' });
    expect((await admin.users.list.query()).map((u) => u.name)).not.toContain('dora');
    expect((await refusal(dora.organism.status.query())).engineCode).toBe('UNAUTHORIZED');
  });

  it('refuses an admin removing or demoting themselves (CONFLICT), and audits the refusals', async () => {
    const admin = await h.client('admin');
    expect(await refusal(admin.users.remove.mutate({ name: 'admin' }))).toMatchObject({
      engineCode: 'CONFLICT',
      message: 'you cannot remove yourself; another admin can',
    });
    expect(await refusal(admin.users.setRole.mutate({ name: 'admin', role: 'operator' }))).toMatchObject({
      engineCode: 'CONFLICT',
      message: 'you cannot demote yourself; another admin can',
    });
    expect((await admin.auth.me.query()).user?.role).toBe('admin');
    const refused = await admin.audit.list.query({ actor: 'admin', outcome: 'error', limit: 10 });
    expect(refused.items.slice(0, 2).map((e) => [e.action, e.target, e.error])).toEqual([
      ['user.role', 'admin', 'you cannot demote yourself; another admin can'],
      ['user.remove', 'admin', 'you cannot remove yourself; another admin can'],
    ]);
  });

  it('lets another admin demote and remove an admin, as long as one admin is left', async () => {
    const admin = await h.client('admin');
    await admin.users.add.mutate({ name: 'boss', role: 'admin', password: 'boss password' });
    const boss = await h.client();
    await boss.auth.login.mutate({ name: 'boss', password: 'boss password' });
    await boss.users.setRole.mutate({ name: 'admin', role: 'operator' });
    expect((await refusal(admin.users.list.query())).engineCode).toBe('FORBIDDEN');
    await boss.users.setRole.mutate({ name: 'admin', role: 'admin' });
    await admin.users.remove.mutate({ name: 'boss' });
    expect((await refusal(boss.users.list.query())).engineCode).toBe('UNAUTHORIZED');
  });

  it('refuses users.* to operators and viewers', async () => {
    for (const role of ['operator', 'viewer'] as const) {
      const c = await h.client(role);
      expect((await refusal(c.users.list.query())).engineCode).toBe('FORBIDDEN');
      expect((await refusal(c.users.tokens.query())).engineCode).toBe('FORBIDDEN');
      expect((await refusal(c.users.createToken.mutate({ name: 'mine' }))).engineCode).toBe('FORBIDDEN');
      expect(
        (await refusal(c.users.setPassword.mutate({ name: role, password: 'x'.repeat(12) }))).engineCode,
      ).toBe('FORBIDDEN');
      expect((await refusal(c.audit.list.query({ limit: 5 }))).engineCode).toBe('FORBIDDEN');
    }
  });
});

describe('auth.changePassword', () => {
  it('changes the own password of any role, keeps this session and ends the others', async () => {
    await h.store.createUser('vera', 'viewer', PASSWORD);
    const here = await h.client();
    await here.auth.login.mutate({ name: 'vera', password: PASSWORD });
    const elsewhere = await h.client();
    await elsewhere.auth.login.mutate({ name: 'vera', password: PASSWORD });
    expect(
      await here.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'a new secret' }),
    ).toEqual({ ok: true });
    expect((await here.auth.me.query()).user?.name).toBe('vera');
    expect((await here.organism.status.query()).state).toBe('running');
    expect((await refusal(elsewhere.organism.status.query())).engineCode).toBe('UNAUTHORIZED');
    expect(await h.store.verifyPassword('vera', PASSWORD)).toBeUndefined();
    expect((await h.store.verifyPassword('vera', 'a new secret'))?.name).toBe('vera');
  });

  it('refuses a wrong current password at currentPassword, and a new one that is short or the same', async () => {
    await h.store.createUser('otto', 'operator', PASSWORD);
    const otto = await h.client();
    await otto.auth.login.mutate({ name: 'otto', password: PASSWORD });
    expect(
      await refusal(
        otto.auth.changePassword.mutate({ currentPassword: 'not it', newPassword: 'whatever new' }),
      ),
    ).toMatchObject({
      engineCode: 'INPUT_INVALID',
      message: 'the current password is wrong',
      problems: [{ path: 'currentPassword', message: 'the current password is wrong' }],
    });
    expect(
      await refusal(otto.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: PASSWORD })),
    ).toMatchObject({
      engineCode: 'INPUT_INVALID',
      problems: [{ path: 'newPassword', message: 'the new password is the same as the current one' }],
    });
    expect(
      await refusal(otto.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'short' })),
    ).toMatchObject({
      engineCode: 'INPUT_INVALID',
      problems: [{ path: 'newPassword', message: 'at least 8 characters' }],
    });
    // Nothing changed, and the session still works.
    expect((await h.store.verifyPassword('otto', PASSWORD))?.name).toBe('otto');
    expect((await otto.auth.me.query()).user?.name).toBe('otto');
    const admin = await h.client('admin');
    const log = await admin.audit.list.query({ actor: 'otto', action: 'auth.password', limit: 10 });
    expect(log.items.map((e) => [e.outcome, e.target, e.error])).toEqual([
      ['error', 'otto', 'the new password is the same as the current one'],
      ['error', 'otto', 'the current password is wrong'],
    ]);
    expect(JSON.stringify(log.items)).not.toContain(PASSWORD);
  });

  it('counts wrong current passwords under the sign-in limits', async () => {
    await h.store.createUser('greta', 'viewer', PASSWORD);
    const greta = await h.client();
    await greta.auth.login.mutate({ name: 'greta', password: PASSWORD });
    const codes: (string | null)[] = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (
          await refusal(
            greta.auth.changePassword.mutate({ currentPassword: `guess ${i}`, newPassword: 'new enough' }),
          )
        ).engineCode,
      );
    expect(codes).toEqual([...Array<string>(5).fill('INPUT_INVALID'), 'RATE_LIMITED']);
    expect(
      (
        await refusal(
          greta.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'new enough' }),
        )
      ).engineCode,
    ).toBe('RATE_LIMITED');
  });

  it('refuses anonymous callers and unknown keys', async () => {
    const anon = await h.client();
    expect(
      (
        await refusal(
          anon.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'new enough' }),
        )
      ).engineCode,
    ).toBe('UNAUTHORIZED');
    const viewer = await h.client('viewer');
    const extra = { currentPassword: PASSWORD, newPassword: 'new enough', name: 'admin' };
    expect(await refusal(viewer.auth.changePassword.mutate(extra as never))).toMatchObject({
      engineCode: 'INPUT_INVALID',
    });
  });
});

describe('API tokens from the API', () => {
  it('answers the token once with the ingress URL; it sends until revoked, then 401', async () => {
    const admin = await h.client('admin');
    const created = await admin.users.createToken.mutate({ name: 'shop' });
    expect(created.ingressUrl).toBe(`${h.url}/messages`);
    const send = (): Promise<Response> =>
      fetch(created.ingressUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: `Bearer ${created.token}` },
        body: greeting,
      });
    expect((await send()).status).toBe(202);
    const listed = (await admin.users.tokens.query()).find((t) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'shop', createdBy: 'admin', revokedAt: null });
    expect(listed?.lastUsedAt).toEqual(expect.any(Number));
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const revoked = await admin.users.revokeToken.mutate({ id: created.id });
    expect(revoked).toEqual({ revokedAt: expect.any(Number) as number, alreadyRevoked: false });
    const refused = await send();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    await h.engine.whenQuiet();
  });

  it('says a token revoked in the meantime was revoked already, and when, changing nothing', async () => {
    const [one, other] = [await h.client('admin'), await h.client('admin')];
    const { id } = await one.users.createToken.mutate({ name: 'twice' });
    const first = await one.users.revokeToken.mutate({ id });
    expect(await other.users.revokeToken.mutate({ id })).toEqual({
      revokedAt: first.revokedAt,
      alreadyRevoked: true,
    });
    expect((await one.users.tokens.query()).find((t) => t.id === id)?.revokedAt).toBe(first.revokedAt);
  });
});

describe('audit.list filters', () => {
  it('filters by outcome and time range, and refuses unknown keys', async () => {
    const admin = await h.client('admin');
    const since = Date.now();
    await refusal(admin.users.add.mutate({ name: 'viewer', role: 'viewer', password: 'long enough' }));
    await admin.users.add.mutate({ name: 'timed', role: 'viewer', password: 'long enough' });
    const until = Date.now();
    const window = await admin.audit.list.query({ since, until, actor: 'admin', limit: 50 });
    expect(window.items.map((e) => `${e.action} ${e.target} ${e.outcome}`)).toEqual([
      'user.add timed ok',
      'user.add viewer error',
    ]);
    const errors = await admin.audit.list.query({ since, outcome: 'error', limit: 50 });
    expect(errors.items.map((e) => e.error)).toEqual(['a user named viewer already exists']);
    expect((await admin.audit.list.query({ since: until + 60_000, limit: 5 })).items).toEqual([]);
    expect(await refusal(admin.audit.list.query({ limit: 5, who: 'admin' } as never))).toMatchObject({
      engineCode: 'INPUT_INVALID',
    });
    expect(await refusal(admin.audit.list.query({ limit: 5, outcome: 'maybe' } as never))).toMatchObject({
      engineCode: 'INPUT_INVALID',
      problems: [{ path: 'outcome' }],
    });
  });
});
