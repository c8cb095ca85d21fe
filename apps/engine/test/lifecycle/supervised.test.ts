import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { ENGINE_NODE_FLAGS } from '../../src/lifecycle/engine-node-flags.ts';
import { isSupervised, SUPERVISOR_PID_ENV } from '../../src/lifecycle/supervisor.ts';
import { echoOrganism, healthy, REPO, signedIn, spawnOrganism, until } from '../cli/organism-process.ts';

describe('knowing whether a supervisor is there', () => {
  it('believes the variable only when it names the parent process', () => {
    expect(isSupervised({ [SUPERVISOR_PID_ENV]: '4242' }, 4242)).toBe(true);
    expect(isSupervised({ [SUPERVISOR_PID_ENV]: '4242' }, 1)).toBe(false); // the supervisor died
    expect(isSupervised({ [SUPERVISOR_PID_ENV]: '' }, 4242)).toBe(false);
    expect(isSupervised({}, 4242)).toBe(false);
  });

  it('refuses a restart under `organism run`, even with a stale variable, and keeps running', async () => {
    const org = await echoOrganism();
    // A variable left in the shell by an earlier `organism start` must not make it believe it is supervised.
    const engine = spawnOrganism(['run', org.yaml, '--quiet'], {
      env: { [SUPERVISOR_PID_ENV]: String(process.pid + 100_000) },
    });
    try {
      await healthy(org.url, engine);
      const admin = await signedIn(org.url);
      expect((await admin.organism.status.query()).supervised).toBe(false);
      const refused = await admin.organism.restart.mutate({ drainMs: 1_000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TRPCClientError);
      const err = refused as TRPCClientError<AppRouter>;
      expect(err.data?.engineCode).toBe('NOT_SUPERVISED');
      expect(err.data?.code).toBe('PRECONDITION_FAILED');
      expect(err.message).toContain('organism start');
      expect((await fetch(`${org.url}/healthz`)).status).toBe(200);
      expect((await admin.organism.status.query()).state).toBe('running');
      const audit = await admin.audit.list.query({ limit: 5, action: 'organism.restart' });
      expect(audit.items[0]).toMatchObject({ outcome: 'error' });
    } finally {
      await engine.stop();
    }
    expect(engine.output()).not.toContain('restart requested');
  }, 90_000);

  it('says it is supervised under `organism start`, and again after a restart', async () => {
    const org = await echoOrganism();
    const supervisor = spawnOrganism(['start', org.yaml, '--quiet']);
    try {
      await healthy(org.url, supervisor);
      // The engine's Node runs with the flags `organism start` gives it (lifecycle/engine-node-flags.ts).
      const pid = /engine started \(pid (\d+)/.exec(supervisor.output())?.[1];
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(1, 1 + ENGINE_NODE_FLAGS.length)).toEqual(ENGINE_NODE_FLAGS);
      expect(argv).toContain('run');
      const admin = await signedIn(org.url);
      expect((await admin.organism.status.query()).supervised).toBe(true);
      // The engine answers the call that began its restart before it closes its server.
      expect(await admin.organism.restart.mutate({ drainMs: 1_000 })).toEqual({ accepted: true, engines: 1 });
      // The old engine closes its server before it exits, so what answers after the second start is the new one.
      await until('a fresh engine', () =>
        (supervisor.output().match(/engine started \(pid/g) ?? []).length === 2 ? true : undefined,
      );
      expect(supervisor.output()).toContain('engine asked for a restart');
      await healthy(org.url, supervisor);
      const after = await (await signedIn(org.url)).organism.status.query();
      expect(after.supervised).toBe(true);
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.output()).toContain('engine stopped');
  }, 120_000);
});

describe('the demo', () => {
  it('runs under the supervisor: npm run demo → scripts/demo.mjs → organism start', () => {
    const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const engine = JSON.parse(readFileSync(join(REPO, 'apps/engine/package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(root.scripts.demo).toContain('node scripts/demo.mjs');
    const demo = readFileSync(join(REPO, 'scripts/demo.mjs'), 'utf8');
    expect(demo).toMatch(/'apps\/engine\/bin\/organism\.js'\), 'start', organism, '--traffic'/);
    expect(engine.scripts.demo).toMatch(/^node bin\/organism\.js start \S+organism\.yaml --traffic$/);
    expect(engine.scripts.start).toMatch(/^node bin\/organism\.js start /);
  });
});
