// Is the console smooth while the engine runs flat out? Starts the demo organism (a fresh copy) under its
// supervisor and the console's production build, drives the engine with a keep-alive HTTP load of the demo's
// sample envelopes as fast as it accepts them, and watches each page in Debian's Chromium for 30 s with a
// PerformanceObserver on long tasks (main-thread work over 50 ms, the browser's own definition of jank).
//
//   pnpm -C bench console-smoothness [--seconds 30] [--connections 32] [/ /messages?live=1 /map …]
//
// Prints, per page: long tasks (count, total and longest), frames drawn, and the engine's accepted rate.
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildConsoleIfStale, root, startConsole, until } from '../scripts/console-build.mjs';
import { fmt } from './lib/figures.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '32' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const pages = positionals.length ? positionals : ['/', '/messages?live=1', '/map', '/threads'];
const ENGINE_PORT = 7311;
const CONSOLE_PORT = 3311;
const engineUrl = `http://127.0.0.1:${ENGINE_PORT}`;
const consoleUrl = `http://127.0.0.1:${CONSOLE_PORT}`;
const password = 'bench-password-1234';

const work = mkdtempSync(join(tmpdir(), 'organism-smooth-'));
const demo = join(work, 'demo');
cpSync(join(root, 'examples/demo'), demo, {
  recursive: true,
  filter: (src) => !/[/\\](\.organism|node_modules)$/.test(src),
});
symlinkSync(join(root, 'examples/demo/node_modules'), join(demo, 'node_modules'));
const organism = join(demo, 'organism.yaml');
const cli = join(root, 'apps/engine/bin/organism.js');

buildConsoleIfStale(engineUrl, '.next-bench-lead', (line: string) => console.log(line));
const created = spawnSync(process.execPath, [cli, 'token', 'create', 'load', '-c', organism], {
  encoding: 'utf8',
});
const token = /org_[\w-]+/.exec(created.stdout)?.[0];
if (!token) throw new Error(`no token: ${created.stdout}${created.stderr}`);

const children: ReturnType<typeof spawn>[] = [];
children.push(
  spawn(process.execPath, [cli, 'start', organism, '--port', String(ENGINE_PORT), '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ORGANISM_ADMIN_PASSWORD: password },
  }),
);
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('exit', stopAll);
await until('the engine', async () => (await fetch(`${engineUrl}/healthz`)).ok);
children.push(startConsole(spawn, engineUrl, CONSOLE_PORT, '.next-bench-lead'));
await until('the console', async () => (await fetch(`${consoleUrl}/sign-in`)).ok);

// The load: every sample envelope of the demo but the slow and the failing ones, numbers varied.
const templates = readdirSync(join(demo, 'traffic'))
  .filter((f) => /greeting|calculate|order/.test(f) && !/invalid/.test(f))
  .map((f) => readFileSync(join(demo, 'traffic', f), 'utf8'));
let accepted = 0;
const refused = new Map<string, number>();
let loading = true;
async function loadLoop(k: number): Promise<void> {
  for (let i = k; loading; i += connections) {
    const body = (templates[i % templates.length] ?? '').replace(/\{\{n\}\}/g, String(1 + (i % 100)));
    const res = await fetch(`${engineUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
      body,
    }).catch(() => null);
    await res?.arrayBuffer();
    if (res?.status === 202) accepted++;
    else {
      const why = String(res?.status ?? 'no answer');
      refused.set(why, (refused.get(why) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20)); // full queue: back off a moment, as a producer would
    }
  }
}
const load = Array.from({ length: connections }, (_, k) => loadLoop(k));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(`${consoleUrl}/sign-in`);
await page.getByLabel('Name').fill('admin');
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('heading', { name: 'Overview' }).waitFor();

console.log(`\nconsole smoothness: ${seconds} s per page, ${connections} keep-alive connections of load\n`);
console.log(
  `${'page'.padEnd(24)} ${'long tasks'.padStart(10)} ${'total ms'.padStart(9)} ${'longest'.padStart(8)} ${'frames/s'.padStart(9)} ${'engine msg/s'.padStart(13)}`,
);
// Kept as text: tsx would otherwise wrap the function in helpers that do not exist in the page.
const MEASURE = `async (ms) => {
  const tasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) tasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  let frames = 0;
  let running = true;
  const count = () => {
    frames++;
    if (running) requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  await new Promise((r) => setTimeout(r, ms));
  running = false;
  observer.disconnect();
  return { tasks, frames };
}`;
const results: Record<string, { longTasks: number; totalMs: number; longestMs: number; fps: number }> = {};
for (const path of pages) {
  await page.goto(`${consoleUrl}${path}`);
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  // Let the page settle (first render, fonts, chart setup) before counting: jank in steady state is the figure.
  await page.waitForTimeout(2_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  await browser.startTracing(page, { path: `/tmp/trace-${path.replace(/\W+/g, '_')}.json`, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'disabled-by-default-devtools.timeline.frame'] });
  const before = accepted;
  const measured = await page.evaluate<{ tasks: number[]; frames: number }>(
    `(${MEASURE})(${seconds * 1000})`,
  );
  const rate = (accepted - before) / seconds;
  const totalMs = measured.tasks.reduce((a, b) => a + b, 0);
  const longestMs = Math.max(0, ...measured.tasks);
  const fps = measured.frames / seconds;
  const m1 = await metrics();
  await browser.stopTracing();
  const d = (k: string) => (((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000) / seconds;
  console.log(`   per second: task ${d('TaskDuration').toFixed(0)} ms, script ${d('ScriptDuration').toFixed(0)} ms, layout ${d('LayoutDuration').toFixed(0)} ms (${(((m1.LayoutCount ?? 0) - (m0.LayoutCount ?? 0)) / seconds).toFixed(1)}/s), style ${d('RecalcStyleDuration').toFixed(0)} ms (${(((m1.RecalcStyleCount ?? 0) - (m0.RecalcStyleCount ?? 0)) / seconds).toFixed(1)}/s), nodes ${m1.Nodes}, heap ${((m1.JSHeapUsedSize ?? 0) / 1e6).toFixed(0)} MB`);
  await cdp.detach();
  results[path] = { longTasks: measured.tasks.length, totalMs, longestMs, fps };
  console.log(
    `${path.padEnd(24)} ${String(measured.tasks.length).padStart(10)} ${fmt(totalMs).padStart(9)} ${fmt(longestMs).padStart(8)} ${fps.toFixed(0).padStart(9)} ${fmt(rate).padStart(13)}`,
  );
}
const others = [...refused].map(([status, n]) => `${fmt(n)} × ${status}`).join(', ');
console.log(
  `\naccepted ${fmt(accepted)} messages${others ? ` (answered otherwise, then retried: ${others})` : ''}`,
);
console.log('aim: no long task on any page (issue 8, "Scale")');

loading = false;
await Promise.all(load);
await browser.close();
stopAll();
await new Promise((r) => setTimeout(r, 1_000));
rmSync(work, { recursive: true, force: true });
