/**
 * The one contract every OperatorStore passes. Each implementation's test calls
 * `describeOperatorStoreContract` with a factory that makes a fresh, empty store.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { OperatorStore } from './operator-store.ts';

const PW = 'correct horse battery';
// vitest's asymmetric matchers are typed `any`; hold them as `unknown` to keep the object literals typed.
const aString: unknown = expect.any(String);
const aNumber: unknown = expect.any(Number);

/** Makes a fresh, empty store; `now` is its clock when a test needs to set the time. */
export type MakeOperatorStore = (opts?: { now?: () => number }) => OperatorStore | Promise<OperatorStore>;

export function describeOperatorStoreContract(name: string, make: MakeOperatorStore): void {
  describe(`${name} operator store contract`, () => {
    describe('users', () => {
      it('creates, lists (by name) and counts users without exposing the password', async () => {
        const s = await make();
        expect(await s.countUsers()).toBe(0);
        const bob = await s.createUser('bob', 'operator', PW);
        await s.createUser('alice', 'admin', PW);
        expect(bob).toEqual({
          id: aString,
          name: 'bob',
          role: 'operator',
          createdAt: aNumber,
        });
        const list = await s.listUsers();
        expect(list.map((u) => [u.name, u.role])).toEqual([
          ['alice', 'admin'],
          ['bob', 'operator'],
        ]);
        expect(JSON.stringify(list)).not.toMatch(/scrypt|password|correct horse/);
        expect(await s.countUsers()).toBe(2);
      });

      it('refuses a second user with the same name (CONFLICT)', async () => {
        const s = await make();
        await s.createUser('ada', 'viewer', PW);
        await expect(s.createUser('ada', 'admin', PW)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(await s.countUsers()).toBe(1);
      });

      it('refuses passwords shorter than 8 characters (FORBIDDEN)', async () => {
        const s = await make();
        await expect(s.createUser('ada', 'admin', 'short')).rejects.toMatchObject({
          code: 'FORBIDDEN',
          message: 'password must be at least 8 characters',
        });
        await s.createUser('ada', 'admin', PW);
        await expect(s.setPassword('ada', '1234567')).rejects.toMatchObject({ code: 'FORBIDDEN' });
        expect(await s.verifyPassword('ada', PW)).toBeDefined();
      });

      it('removes and re-roles users, NOT_FOUND for unknown names', async () => {
        const s = await make();
        await s.createUser('root', 'admin', PW);
        await s.createUser('ops', 'viewer', PW);
        expect(await s.setRole('ops', 'operator')).toBe('viewer');
        expect((await s.listUsers()).find((u) => u.name === 'ops')?.role).toBe('operator');
        await s.removeUser('ops');
        expect((await s.listUsers()).map((u) => u.name)).toEqual(['root']);
        await expect(s.removeUser('ops')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(s.setRole('ghost', 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(s.setPassword('ghost', PW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });

      it('never removes or demotes the last admin (CONFLICT)', async () => {
        const s = await make();
        await s.createUser('root', 'admin', PW);
        await expect(s.removeUser('root')).rejects.toMatchObject({
          code: 'CONFLICT',
          message: 'root is the last admin and cannot be removed',
        });
        await expect(s.setRole('root', 'operator')).rejects.toMatchObject({
          code: 'CONFLICT',
          message: 'root is the last admin and cannot be demoted',
        });
        await s.setRole('root', 'admin');
        await s.createUser('second', 'admin', PW);
        await s.setRole('root', 'viewer');
        await expect(s.setRole('second', 'viewer')).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(s.removeUser('second')).rejects.toMatchObject({ code: 'CONFLICT' });
        await s.removeUser('root');
        expect((await s.listUsers()).map((u) => [u.name, u.role])).toEqual([['second', 'admin']]);
      });

      it('verifies the right password only', async () => {
        const s = await make();
        const ada = await s.createUser('ada', 'operator', PW);
        expect(await s.verifyPassword('ada', PW)).toEqual(ada);
        expect(await s.verifyPassword('ada', 'wrong password')).toBeUndefined();
        expect(await s.verifyPassword('ada', '')).toBeUndefined();
        expect(await s.verifyPassword('nobody', PW)).toBeUndefined();
      });

      it('changes a password and ends the sessions opened with the old one', async () => {
        const s = await make();
        const ada = await s.createUser('ada', 'operator', PW);
        const { token } = await s.createSession(ada.id, 60_000);
        await s.setPassword('ada', 'a brand new secret');
        expect(await s.verifyPassword('ada', PW)).toBeUndefined();
        expect(await s.verifyPassword('ada', 'a brand new secret')).toEqual(ada);
        expect(await s.sessionUser(token)).toBeUndefined();
      });
    });

    describe('sessions', () => {
      it('looks a session up by its token and reflects the current role', async () => {
        const s = await make();
        const ada = await s.createUser('ada', 'viewer', PW);
        const before = Date.now();
        const { token, expiresAt } = await s.createSession(ada.id, 60_000);
        expect(token).toMatch(/^[\w-]{43}$/);
        expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
        expect(await s.sessionUser(token)).toEqual(ada);
        await s.setRole('ada', 'operator');
        expect((await s.sessionUser(token))?.role).toBe('operator');
        expect(await s.sessionUser('not-a-session')).toBeUndefined();
      });

      it('gives nothing for an expired session', async () => {
        const s = await make();
        const ada = await s.createUser('ada', 'viewer', PW);
        const { token } = await s.createSession(ada.id, 20);
        await sleep(40);
        expect(await s.sessionUser(token)).toBeUndefined();
        expect(await s.sessionUser(token)).toBeUndefined();
      });

      it('ends a session on delete and when its user is removed', async () => {
        const s = await make();
        await s.createUser('root', 'admin', PW);
        const ada = await s.createUser('ada', 'viewer', PW);
        const one = await s.createSession(ada.id, 60_000);
        const two = await s.createSession(ada.id, 60_000);
        expect(one.token).not.toBe(two.token);
        await s.deleteSession(one.token);
        expect(await s.sessionUser(one.token)).toBeUndefined();
        expect(await s.sessionUser(two.token)).toEqual(ada);
        await s.removeUser('ada');
        expect(await s.sessionUser(two.token)).toBeUndefined();
      });

      it('refuses a session for an unknown user (NOT_FOUND)', async () => {
        const s = await make();
        await expect(s.createSession('ghost', 60_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });
    });

    describe('API tokens', () => {
      it('accepts a new token until it is revoked', async () => {
        const s = await make();
        const { token, id } = await s.createToken('producer', 'root');
        expect(token).toMatch(/^org_[\w-]{43}$/);
        const valid = await s.tokenValid(token);
        expect(valid).toMatchObject({ id, name: 'producer', createdBy: 'root', revokedAt: null });
        expect(valid?.lastUsedAt).toEqual(expect.any(Number));
        expect(await s.tokenValid(`${token}x`)).toBeUndefined();
        const first = await s.revokeToken(id);
        expect(first).toEqual({ revokedAt: expect.any(Number) as number, alreadyRevoked: false });
        expect(await s.tokenValid(token)).toBeUndefined();
        const [listed] = await s.listTokens();
        expect(listed?.revokedAt).toBe(first.revokedAt);
        // A second revoke changes nothing, and says it was revoked already (and when).
        expect(await s.revokeToken(id)).toEqual({ revokedAt: first.revokedAt, alreadyRevoked: true });
        expect((await s.listTokens())[0]?.revokedAt).toBe(listed?.revokedAt);
        await expect(s.revokeToken('ghost')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });

      it('records a token use at most once a minute', async () => {
        let now = 1_700_000_000_000;
        const s = await make({ now: () => now });
        const { token } = await s.createToken('producer', 'ada');
        expect((await s.tokenValid(token))?.lastUsedAt).toBe(now);
        const first = now;
        now += 30_000;
        expect((await s.tokenValid(token))?.lastUsedAt).toBe(first);
        now += 30_000;
        expect((await s.tokenValid(token))?.lastUsedAt).toBe(now);
        expect((await s.listTokens())[0]?.lastUsedAt).toBe(now);
      });

      it('lists tokens without their secret', async () => {
        const s = await make();
        const a = await s.createToken('a', 'root');
        const b = await s.createToken('b', 'root');
        const list = await s.listTokens();
        expect(list.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
        expect(list[0]).toEqual({
          id: aString,
          name: aString,
          producers: null,
          createdBy: 'root',
          createdAt: aNumber,
          revokedAt: null,
          lastUsedAt: null,
        });
        expect(JSON.stringify(list)).not.toContain(a.token);
      });

      it('keeps the producer names a token is bound to', async () => {
        const s = await make();
        const bound = await s.createToken('billing', 'root', ['billing', 'console:Jane Doe']);
        const free = await s.createToken('any', 'root');
        expect((await s.tokenValid(bound.token))?.producers).toEqual(['billing', 'console:Jane Doe']);
        expect((await s.tokenValid(free.token))?.producers).toBeNull();
        const listed = new Map((await s.listTokens()).map((t) => [t.name, t.producers]));
        expect(listed).toEqual(
          new Map([
            ['billing', ['billing', 'console:Jane Doe']],
            ['any', null],
          ]),
        );
      });
    });

    describe('audit', () => {
      it('appends entries with increasing seq and a timestamp', async () => {
        const s = await make();
        const entry = {
          actor: 'root',
          action: 'reload',
          target: null,
          detail: '{"x":1}',
          outcome: 'ok' as const,
          error: null,
        };
        const one = await s.audit(entry);
        const two = await s.audit({ ...entry, outcome: 'error', error: 'boom' });
        expect(one).toEqual({ ...entry, seq: aNumber, at: aNumber });
        expect(two.seq).toBeGreaterThan(one.seq);
        expect(two).toMatchObject({ outcome: 'error', error: 'boom' });
      });

      it('lists newest first in stable keyset pages, with actor and action filters', async () => {
        const s = await make();
        for (let i = 1; i <= 5; i++) {
          await s.audit({
            actor: i % 2 ? 'ada' : 'bob',
            action: i <= 3 ? 'journal.retry' : 'reload',
            target: `m${i}`,
            detail: null,
            outcome: 'ok',
            error: null,
          });
        }
        const first = await s.listAudit({ limit: 2 });
        expect(first.items.map((e) => e.target)).toEqual(['m5', 'm4']);
        expect(first.nextCursor).not.toBeNull();
        await s.audit({
          actor: 'ada',
          action: 'reload',
          target: 'm6',
          detail: null,
          outcome: 'ok',
          error: null,
        });
        const second = await s.listAudit({ limit: 2, cursor: first.nextCursor ?? undefined });
        expect(second.items.map((e) => e.target)).toEqual(['m3', 'm2']);
        const third = await s.listAudit({ limit: 2, cursor: second.nextCursor ?? undefined });
        expect(third.items.map((e) => e.target)).toEqual(['m1']);
        expect(third.nextCursor).toBeNull();

        const ada = await s.listAudit({ limit: 10, actor: 'ada' });
        expect(ada.items.map((e) => e.target)).toEqual(['m6', 'm5', 'm3', 'm1']);
        expect(ada.nextCursor).toBeNull();
        const retries = await s.listAudit({ limit: 10, action: 'journal.retry', actor: 'ada' });
        expect(retries.items.map((e) => e.target)).toEqual(['m3', 'm1']);
        const exact = await s.listAudit({ limit: 4, actor: 'ada' });
        expect(exact.items).toHaveLength(4);
        expect(exact.nextCursor).toBeNull();
      });

      it("refuses a cursor that is not one of its pages' as INPUT_INVALID at cursor", async () => {
        const s = await make();
        for (const target of ['a', 'b'])
          await s.audit({ actor: 'ada', action: 'reload', target, detail: null, outcome: 'ok', error: null });
        const first = await s.listAudit({ limit: 1 });
        // Garbage, a cursor edited by hand, and a messages list's cursor (well made, but not for this list).
        const messages = Buffer.from(`${Date.now()}:${crypto.randomUUID()}`).toString('base64url');
        for (const cursor of ['AAAA;DROP TABLE', `${first.nextCursor ?? ''}=`, messages])
          await expect(s.listAudit({ limit: 1, cursor })).rejects.toMatchObject({
            code: 'INPUT_INVALID',
            problems: [
              {
                path: 'cursor',
                message: expect.stringContaining('not a cursor this engine made') as unknown,
              },
            ],
          });
        expect((await s.listAudit({ limit: 1, cursor: first.nextCursor ?? '' })).items).toHaveLength(1);
      });

      it('filters by outcome and by a time range (both ends inclusive), keyset pages kept', async () => {
        let now = 1_000;
        const s = await make({ now: () => now });
        for (let i = 1; i <= 6; i++) {
          now = i * 1_000;
          await s.audit({
            actor: 'ada',
            action: 'user.add',
            target: `u${i}`,
            detail: null,
            outcome: i % 2 ? 'error' : 'ok',
            error: i % 2 ? 'taken' : null,
          });
        }
        const failed = await s.listAudit({ limit: 10, outcome: 'error' });
        expect(failed.items.map((e) => e.target)).toEqual(['u5', 'u3', 'u1']);
        const range = await s.listAudit({ limit: 10, since: 2_000, until: 4_000 });
        expect(range.items.map((e) => [e.target, e.at])).toEqual([
          ['u4', 4_000],
          ['u3', 3_000],
          ['u2', 2_000],
        ]);
        const first = await s.listAudit({ limit: 1, since: 2_000, outcome: 'ok' });
        expect(first.items.map((e) => e.target)).toEqual(['u6']);
        const next = await s.listAudit({
          limit: 5,
          since: 2_000,
          outcome: 'ok',
          cursor: first.nextCursor ?? undefined,
        });
        expect(next.items.map((e) => e.target)).toEqual(['u4', 'u2']);
        expect(next.nextCursor).toBeNull();
        expect((await s.listAudit({ limit: 10, since: 7_000 })).items).toEqual([]);
      });
    });
  });
}
