import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  createToken,
  echoOrganism,
  healthy,
  postPing,
  runOrganism,
  signedIn,
  spawnOrganism,
} from './organism-process.ts';
import type { EchoCopy, OrganismProcess } from './organism-process.ts';

// Each test runs the CLI once or twice: a process that loads the engine's source, up to 10 s apiece while
// the rest of the suite runs beside it.
describe('users and tokens from the CLI while the engine runs', { timeout: 90_000 }, () => {
  let org: EchoCopy;
  let engine: OrganismProcess;
  beforeAll(async () => {
    org = await echoOrganism();
    engine = spawnOrganism(['run', org.yaml, '--quiet']);
    await healthy(org.url, engine);
  }, 60_000);
  afterAll(async () => engine.stop());

  it('accepts a token the CLI created, at once', async () => {
    const { token } = await createToken(org, 'billing');
    expect(await postPing(org.url, token)).toBe(202);
  });

  it('stops accepting a token the CLI revoked, at once', async () => {
    const { id, token } = await createToken(org, 'short-lived');
    expect(await postPing(org.url, token)).toBe(202);
    const revoked = await runOrganism(['token', 'revoke', id, '-c', org.yaml]);
    expect(revoked.code).toBe(0);
    expect(await postPing(org.url, token)).toBe(401);
    // Again: nothing changes, and it says so.
    const again = await runOrganism(['token', 'revoke', id, '-c', org.yaml]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^token ${id} was already revoked at \\d{4}-.*; nothing changed`),
    );
  });

  it('lets a user the CLI added sign in, and no longer once the CLI removed it', async () => {
    const alice = { name: 'alice', password: 'a long passphrase' };
    const added = await runOrganism(
      ['user', 'add', 'alice', '--role', 'operator', '--password', alice.password],
      org.dir,
    );
    expect(added.code).toBe(0);
    const client = await signedIn(org.url, alice);
    expect((await client.auth.me.query()).user?.role).toBe('operator');
    expect((await runOrganism(['user', 'remove', 'alice'], org.dir)).code).toBe(0);
    await expect(signedIn(org.url, alice)).rejects.toThrow();
  });

  it('resets a password from the host: the new one signs in, the old one and its sessions end', async () => {
    const carol = { name: 'carol', password: 'the password carol forgot' };
    const added = await runOrganism(['user', 'add', 'carol', '--password', carol.password], org.dir);
    expect(added.code).toBe(0);
    const before = await signedIn(org.url, carol);
    const reset = await runOrganism(['user', 'password', 'carol'], org.dir);
    expect(reset).toMatchObject({ code: 0, stderr: '' });
    const printed = /^set the password of carol to (\S+) {2}\(shown once/.exec(reset.stdout)?.[1];
    expect(printed, reset.stdout).toHaveLength(16);
    expect((await before.auth.me.query()).user).toBeNull();
    await expect(signedIn(org.url, carol)).rejects.toThrow('wrong name or password');
    const after = await signedIn(org.url, { name: 'carol', password: printed ?? '' });
    expect((await after.auth.me.query()).user?.name).toBe('carol');

    const chosen = 'a passphrase carol chose';
    const given = await runOrganism(['user', 'password', 'carol', '--password', chosen], org.dir);
    expect(given).toMatchObject({
      code: 0,
      stdout: 'set the password of carol; their sessions have ended\n',
    });
    expect((await after.auth.me.query()).user).toBeNull();
    await signedIn(org.url, { name: 'carol', password: chosen });

    const ghost = await runOrganism(['user', 'password', 'ghost'], org.dir);
    expect(ghost).toMatchObject({ code: 1, stdout: '', stderr: 'no user named ghost\n' });
    const { items } = await (await signedIn(org.url)).audit.list.query({ action: 'user.password' });
    expect(items.map(({ actor, target, outcome, error }) => ({ actor, target, outcome, error }))).toEqual([
      { actor: 'cli', target: 'ghost', outcome: 'error', error: 'no user named ghost' },
      { actor: 'cli', target: 'carol', outcome: 'ok', error: null },
      { actor: 'cli', target: 'carol', outcome: 'ok', error: null },
    ]);
  });

  it('refuses a new user or token name the API would refuse, in one line, exit 2, adding nothing', async () => {
    const password = ['--password', 'a long passphrase'];
    const spaced = await runOrganism(['user', 'add', 'bad name!', ...password], org.dir);
    expect(spaced).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'organism user add: the user name "bad name!" is refused: only letters, digits and . _ - @ (no spaces)\n',
    });
    const long = await runOrganism(['user', 'add', 'u'.repeat(101), ...password], org.dir);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('is refused: at most 100 characters');
    const token = await runOrganism(['token', 'create', 't'.repeat(101)], org.dir);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('the token name "ttt');
    expect(token.stderr).toContain('is refused: at most 100 characters');
    // A name the CLI accepts is one the console can change.
    expect((await runOrganism(['user', 'add', 'dee.o-k_1@x', ...password], org.dir)).code).toBe(0);
    const admin = await signedIn(org.url);
    await admin.users.setRole.mutate({ name: 'dee.o-k_1@x', role: 'operator' });
    const names = (await admin.users.list.query()).map((u) => u.name);
    expect(names).toContain('dee.o-k_1@x');
    expect(names).not.toContain('bad name!');
    expect(names).not.toContain('u'.repeat(101));
    expect((await admin.users.tokens.query()).map((t) => t.name)).not.toContain('t'.repeat(101));
  });

  it('writes what it refused to the audit log too, with the reason, as the API does', async () => {
    const bob = ['user', 'add', 'bob', '--password', 'a long passphrase'];
    expect((await runOrganism(bob, org.dir)).code).toBe(0);
    const again = await runOrganism(bob, org.dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a user named bob already exists');
    const lastAdmin = await runOrganism(['user', 'remove', ADMIN.name], org.dir);
    expect(lastAdmin.code).toBe(1);
    const admin = await signedIn(org.url);
    const { items } = await admin.audit.list.query({ limit: 50 });
    const byCli = items
      .filter((i) => i.actor === 'cli' && (i.target === 'bob' || i.target === ADMIN.name))
      .map(({ action, target, outcome, error }) => ({ action, target, outcome, error }));
    expect(byCli).toEqual(
      expect.arrayContaining([
        { action: 'user.add', target: 'bob', outcome: 'ok', error: null },
        { action: 'user.add', target: 'bob', outcome: 'error', error: 'a user named bob already exists' },
        {
          action: 'user.remove',
          target: ADMIN.name,
          outcome: 'error',
          error: expect.stringContaining('is the last admin') as string,
        },
      ]),
    );
    expect(byCli).toHaveLength(3);
  });

  it('refuses a second engine on the same journal, naming the file and the process', async () => {
    const second = spawnOrganism(['run', org.yaml, '--quiet']);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `journal ${org.journal} is in use by another engine (process ${engine.child.pid}`,
    );
    // Under the supervisor too: refused at once, not retried with backoff for ever.
    const supervised = spawnOrganism(['start', org.yaml, '--quiet']);
    expect(await supervised.exited).toBe(1);
    expect(supervised.output()).toContain(`is in use by another engine (process ${engine.child.pid}`);
    expect(supervised.output()).not.toContain('engine started');
    expect(await postPing(org.url, (await createToken(org, 'still-up')).token)).toBe(202);
  }, 90_000);
});

it('starts a new engine on the journal of one killed with SIGKILL', async () => {
  const org = await echoOrganism();
  const first = spawnOrganism(['run', org.yaml, '--quiet']);
  await healthy(org.url, first);
  first.child.kill('SIGKILL');
  await first.exited;
  const next = spawnOrganism(['run', org.yaml, '--quiet']);
  try {
    await healthy(org.url, next);
    expect(await postPing(org.url, (await createToken(org, 'after-crash')).token)).toBe(202);
  } finally {
    await next.stop();
  }
}, 60_000);
