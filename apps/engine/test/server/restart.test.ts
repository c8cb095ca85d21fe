import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { signedIn } from '../cli/organism-process.ts';
import {
  BIN,
  copyCrashOrganism,
  ENGINE_DIR,
  freePort,
  jobEnvelope,
  until,
} from '../support/organism-copy.ts';

// Generous waits: on a loaded machine an engine can take well over 30 s to start (tsx, XSDs, scrypt),
// and a timeout here would be a flake, not a finding.
const WAIT_MS = 90_000;

it('restarts under the supervisor in the middle of traffic and completes every accepted message', async () => {
  // A copy of the crash-test organism with its own journal and a fixed port (the restarted engine
  // must come back where the producer is sending).
  const port = await freePort();
  const { yamlPath } = copyCrashOrganism({ port });
  const url = `http://127.0.0.1:${port}`;
  const supervisor = spawn(process.execPath, [BIN, 'start', yamlPath, '--quiet', '--drain=10000'], {
    cwd: ENGINE_DIR,
    env: { ...process.env, ORGANISM_ADMIN_USER: 'root', ORGANISM_ADMIN_PASSWORD: 'restart-test-pw' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  supervisor.stdout.on('data', (b: Buffer) => (output += b.toString()));
  supervisor.stderr.on('data', (b: Buffer) => (output += b.toString()));
  try {
    await until(
      'the engine',
      async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
      WAIT_MS,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${output}`);
    });
    const admin = await signedIn(url, { name: 'root', password: 'restart-test-pw' });
    const { token } = await admin.users.createToken.mutate({ name: 'producer' });

    const accepted: string[] = [];
    let refused = 0;
    let stop = false;
    const producer = (async () => {
      for (let i = 1; !stop; i++) {
        const body = jobEnvelope(i);
        try {
          const res = await fetch(`${url}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
            body,
          });
          if (res.status === 202) accepted.push(((await res.json()) as { messageId: string }).messageId);
          else refused++;
        } catch {
          refused++; // connection refused while the fresh engine starts
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    await until('traffic', () => (accepted.length >= 200 ? true : undefined), WAIT_MS);
    expect(await admin.organism.restart.mutate({ drainMs: 10_000 })).toEqual({ accepted: true, engines: 1 });
    await until('the restart', () => (output.includes('asked for a restart') ? true : undefined), WAIT_MS);
    await until(
      'the fresh engine',
      async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
      WAIT_MS,
    );
    const before = accepted.length;
    await until(
      'traffic after the restart',
      () => (accepted.length >= before + 100 ? true : undefined),
      WAIT_MS,
    );
    stop = true;
    await producer;

    // The session lived in the old process's memory? No: sessions are in the journal, so sign in again only if needed.
    await admin.auth.login.mutate({ name: 'root', password: 'restart-test-pw' });
    const states = await until(
      'every accepted message to finish',
      async () => {
        const seen = new Map<string, number>();
        for (const id of accepted) {
          const m = await admin.messages.byId.query({ id });
          seen.set(m.state, (seen.get(m.state) ?? 0) + 1);
        }
        return (seen.get('PENDING') ?? 0) + (seen.get('DISPATCHED') ?? 0) === 0 ? seen : undefined;
      },
      WAIT_MS,
    );
    console.log(
      `restart test: ${accepted.length} accepted, ${refused} refused during the restart, final states ${JSON.stringify(Object.fromEntries(states))}`,
    );
    expect((states.get('ACKED') ?? 0) + (states.get('FAILED') ?? 0)).toBe(accepted.length);
    const audit = await admin.audit.list.query({ limit: 50, action: 'organism.restart' });
    expect(audit.items[0]).toMatchObject({ actor: 'root', outcome: 'ok' });
  } catch (err) {
    // What the supervisor and the engines said is what explains a failure here.
    throw new Error(`${String(err)}\n--- supervisor and engine output ---\n${output}`, { cause: err });
  } finally {
    supervisor.kill('SIGTERM');
    await new Promise((r) => supervisor.on('exit', r));
  }
  expect(output).toContain('engine stopped');
}, 300_000);
