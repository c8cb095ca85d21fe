import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { until } from '../support/until.ts';
import {
  CANNOT_START_EXIT_CODE,
  RESTART_EXIT_CODE,
  STANDBY_ENV,
  SUPERVISOR_PID_ENV,
  supervise,
} from '../../src/lifecycle/supervisor.ts';

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

it('kills a running engine whose event loop stopped turning, and starts a fresh one; a slow start is left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-supervisor-'));
  const runs = join(dir, 'runs');
  // Run 1: silent through a start longer than the bound, then alive, then stuck in a loop that never
  // yields. Run 2: stops cleanly.
  const script = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(runs)},Date.now()+'\\n');const n=fs.readFileSync(${JSON.stringify(runs)},'utf8').trim().split('\\n').length;if(n>1)process.exit(0);setTimeout(()=>{process.send({type:'alive'});setTimeout(()=>{for(;;){}},50);},900);`;
  const log: string[] = [];
  const code = await supervise({
    command: process.execPath,
    args: ['-e', script],
    minBackoffMs: 50,
    hungAfterMs: 400,
    log: (l) => log.push(l),
  });
  expect(code).toBe(0);
  const times = readFileSync(runs, 'utf8').trim().split('\n').map(Number);
  expect(times).toHaveLength(2);
  // Killed about 400 ms after it last spoke, not during its 900 ms start.
  expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1_200);
  expect(log.find((l) => l.startsWith('engine not answering'))).toMatch(
    /^engine not answering: its event loop has not turned for \d+ s .*killing it \(pid \d+\)/,
  );
  expect(log).toContain('engine killed by SIGKILL; restarting in 50 ms');
});

it('stops, without starting it again, an engine that cannot start as configured', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-supervisor-'));
  const runs = join(dir, 'runs');
  const script = `require('fs').appendFileSync(${JSON.stringify(runs)},'run\\n');process.exit(${CANNOT_START_EXIT_CODE});`;
  const log: string[] = [];
  const code = await supervise({
    command: process.execPath,
    args: ['-e', script],
    minBackoffMs: 50,
    log: (l) => log.push(l),
  });
  expect(code).toBe(CANNOT_START_EXIT_CODE);
  expect(readFileSync(runs, 'utf8')).toBe('run\n');
  expect(log.at(-1)).toBe(
    'engine cannot start as configured (exit 78): not starting it again; fix what it said, then start again',
  );
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

/**
 * An engine that asks for a standby over its IPC channel and restarts once answered; its standby, which
 * says it is ready and ends on its turn (or dies at once with `dies`). Each writes what happens to it, with the time, in `file`.
 */
function standbyScript(file: string, standby: 'ready' | 'dies' | 'never ready'): string {
  return `const fs=require('fs');const f=${JSON.stringify(file)};
const log=(l)=>fs.appendFileSync(f,l+' '+Date.now()+'\\n');
if (process.env.${STANDBY_ENV}) {
  log('standby');
  fs.writeFileSync(f+'.pid',String(process.pid));
  if (${JSON.stringify(standby)}==='dies') process.exit(9);
  process.on('message',(m)=>{log(m.type);process.exit(0);});
  if (${JSON.stringify(standby)}==='ready') process.send({type:'ready'});
} else if (fs.existsSync(f)) { log('fresh'); process.exit(0); }
else {
  log('first');
  process.on('SIGINT',()=>log('interrupted'));
  process.on('message',(m)=>{if(m.type==='standby-answer'){log('answered');process.exit(${RESTART_EXIT_CODE});}});
  process.send({type:'standby'});
  setInterval(()=>{},1000);
}`;
}

function events(file: string): { what: string; at: number }[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [what = '', at = ''] = l.split(' ');
      return { what, at: Number(at) };
    });
}

it('starts the next engine while the running one prepares its restart, and lets it go once that one exited', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'organism-supervisor-')), 'events');
  const log: string[] = [];
  const code = await supervise({
    command: process.execPath,
    args: ['-e', standbyScript(file, 'ready')],
    log: (l) => log.push(l),
  });
  expect(code).toBe(0);
  const seen = events(file);
  // The old engine waited for its standby to be ready, then restarted; the standby went after it exited.
  expect(seen.map((e) => e.what)).toEqual(['first', 'standby', 'answered', 'go']);
  expect(seen[3]!.at).toBeGreaterThanOrEqual(seen[2]!.at);
  expect(log.filter((l) => l.startsWith('engine started'))).toHaveLength(2);
  expect(log[1]).toMatch(
    /^engine started \(pid \d+\), standing by while the running one prepares its restart$/,
  );
  expect(log).toContainEqual(
    expect.stringMatching(/^engine asked for a restart: the one standing by takes over/),
  );
  expect(log.at(-1)).toBe('engine stopped');
});

it('answers the engine at once when its standby dies, and starts a fresh one on the restart code', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'organism-supervisor-')), 'events');
  const log: string[] = [];
  const code = await supervise({
    command: process.execPath,
    args: ['-e', standbyScript(file, 'dies')],
    log: (l) => log.push(l),
  });
  expect(code).toBe(0);
  expect(events(file).map((e) => e.what)).toEqual(['first', 'standby', 'answered', 'fresh']);
  expect(log).toContain('the engine standing by ended before its turn (exit 9)');
  expect(log).toContain('engine asked for a restart: starting a fresh one');
});

it('ends the engine standing by when told to stop, and lets the one that asked for it drain at once', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'organism-supervisor-')), 'events');
  const log: string[] = [];
  const done = supervise({
    command: process.execPath,
    args: ['-e', standbyScript(file, 'never ready')],
    log: (l) => log.push(l),
  });
  const end = Date.now() + 20_000;
  while (!existsSync(`${file}.pid`) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const standby = Number(readFileSync(`${file}.pid`, 'utf8'));
  process.kill(process.pid, 'SIGINT');
  // The engine that asked drains and exits with the restart code; the supervisor, stopping, ends with it.
  expect(await done).toBe(RESTART_EXIT_CODE);
  const seen = events(file).map((e) => e.what);
  expect(seen.slice(0, 2)).toEqual(['first', 'standby']);
  // It was answered (and interrupted, unless it had exited already: the two signals come together).
  expect(seen).toContain('answered');
  // Interrupted, it is gone soon after: on a loaded machine its exit (and its reaping) may take a while.
  const alive = (): boolean => {
    try {
      process.kill(standby, 0);
      return true;
    } catch {
      return false;
    }
  };
  await until('the standby to be gone', () => (alive() ? undefined : true), 10_000);
  expect(log.at(-1)).toBe(`engine stopped (exit ${RESTART_EXIT_CODE})`);
}, 30_000);
