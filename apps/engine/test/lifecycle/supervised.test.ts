import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { ENGINE_NODE_FLAGS } from '../../src/lifecycle/engine-node-flags.ts';
import { isSupervised, STANDBY_ENV, SUPERVISOR_PID_ENV } from '../../src/lifecycle/supervisor.ts';
import {
  ADMIN,
  BIN,
  echoOrganism,
  healthy,
  REPO,
  signedIn,
  spawnOrganism,
  until,
} from '../cli/organism-process.ts';

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
      // The next engine starts while the old one still serves, imports its modules, and takes over once
      // the old one has drained and exited (its server closed first: what answers then is the new one).
      const next = /engine started \(pid (\d+)\), standing by/;
      await until('the next engine', () => next.exec(supervisor.output())?.[1]);
      const nextPid = next.exec(supervisor.output())?.[1];
      expect(nextPid).not.toBe(pid);
      const nextArgv = readFileSync(`/proc/${nextPid}/cmdline`, 'utf8').split('\0');
      expect(nextArgv.slice(1, 1 + ENGINE_NODE_FLAGS.length)).toEqual(ENGINE_NODE_FLAGS);
      const takeover = /engine asked for a restart: the one standing by takes over \(pid (\d+)\)/;
      await until('the takeover', () => takeover.exec(supervisor.output())?.[1]);
      expect(takeover.exec(supervisor.output())?.[1]).toBe(nextPid);
      await healthy(org.url, supervisor);
      expect(supervisor.output().match(/engine started \(pid/g)).toHaveLength(2);
      const after = await (await signedIn(org.url)).organism.status.query();
      expect(after.supervised).toBe(true);
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.output()).toContain('engine stopped');
  }, 120_000);
});

describe('an engine standing by', () => {
  /** `organism run` as a supervisor starts the engine standing by: with STANDBY_ENV and an IPC channel. */
  function standby(yaml: string): ChildProcess {
    return fork(BIN, ['run', yaml, '--quiet'], {
      env: {
        ...process.env,
        [STANDBY_ENV]: '1',
        ORGANISM_ADMIN_USER: ADMIN.name,
        ORGANISM_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
  }

  it('says it is ready and touches nothing until its turn, then serves', async () => {
    const org = await echoOrganism();
    const child = standby(org.yaml);
    try {
      expect((await once(child, 'message'))[0]).toEqual({ type: 'ready' });
      // Ready, it has read no configuration and opened no journal.
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(org.journal)).toBe(false);
      child.send({ type: 'go' });
      await until('the engine', async () => ((await fetch(`${org.url}/healthz`)).ok ? true : undefined));
      expect(existsSync(org.journal)).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 60_000);

  it('ends without opening the journal when its supervisor goes away before its turn', async () => {
    const org = await echoOrganism();
    const child = standby(org.yaml);
    expect((await once(child, 'message'))[0]).toEqual({ type: 'ready' });
    const exited = once(child, 'exit');
    child.disconnect();
    expect(await exited).toEqual([0, null]);
    expect(existsSync(org.journal)).toBe(false);
  }, 60_000);
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
    expect(demo).toMatch(/'apps\/engine\/bin\/organism\.js'\),\s*'start',\s*organism,[^\]]*'--traffic'/);
    expect(engine.scripts.demo).toMatch(/^node bin\/organism\.js start \S+organism\.yaml --traffic$/);
    expect(engine.scripts.start).toMatch(/^node bin\/organism\.js start /);
  });
});
