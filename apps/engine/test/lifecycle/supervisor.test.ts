import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { RESTART_EXIT_CODE, SUPERVISOR_PID_ENV, supervise } from '../../src/lifecycle/supervisor.ts';

it('re-spawns at once on the restart code, with backoff after a crash, and ends when the engine stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-supervisor-'));
  const runs = join(dir, 'runs');
  // Each run appends a line; run 1 asks for a restart, run 2 crashes, run 3 stops cleanly.
  const script = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(runs)},Date.now()+'\\n');const n=fs.readFileSync(${JSON.stringify(runs)},'utf8').trim().split('\\n').length;process.exit(n===1?${RESTART_EXIT_CODE}:n===2?3:0);`;
  const log: string[] = [];
  const code = await supervise({
    command: process.execPath,
    args: ['-e', script],
    minBackoffMs: 200,
    log: (l) => log.push(l),
  });
  expect(code).toBe(0);
  const times = readFileSync(runs, 'utf8').trim().split('\n').map(Number);
  expect(times).toHaveLength(3);
  expect(log.filter((l) => l.startsWith('engine started'))).toHaveLength(3);
  expect(log).toContain('engine asked for a restart: starting a fresh one');
  expect(log).toContain('engine exited with 3; restarting in 200 ms');
  expect(log.at(-1)).toBe('engine stopped');
  expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(190);
});

it('passes one Ctrl-C on once, even when it arrives twice, and tells the child it is supervised', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-supervisor-'));
  const ready = join(dir, 'ready');
  const seen = join(dir, 'seen');
  // The child records how many SIGINTs reach it and the supervisor pid it was given, then exits.
  const script = `const fs=require('fs');let n=0;process.on('SIGINT',()=>{n++;setTimeout(()=>{fs.writeFileSync(${JSON.stringify(seen)},n+' '+process.env.${SUPERVISOR_PID_ENV}+' '+process.ppid);process.exit(0)},300)});fs.writeFileSync(${JSON.stringify(ready)},'');setInterval(()=>{},1000);`;
  const done = supervise({ command: process.execPath, args: ['-e', script], log: () => {} });
  const end = Date.now() + 20_000;
  while (!existsSync(ready) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  // What a terminal and a package runner do on Ctrl-C: the same signal twice, a moment apart.
  process.kill(process.pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  process.kill(process.pid, 'SIGINT');
  expect(await done).toBe(0);
  const [count, given, parent] = readFileSync(seen, 'utf8').split(' ');
  expect(count).toBe('1');
  expect(given).toBe(String(process.pid));
  expect(parent).toBe(String(process.pid));
}, 30_000);
