// Is the console smooth while the engine runs flat out? Starts the demo organism (a fresh copy) under its
// supervisor and the console's production build, drives the engine with a keep-alive HTTP load of the demo's
// sample envelopes as fast as it accepts them, and watches each page in Debian's Chromium for 30 s with a
// PerformanceObserver on long tasks (main-thread work over 50 ms, the browser's own definition of jank).
//
//   pnpm -C bench console-smoothness [--seconds 30] [--connections 32] [/ /messages?view=tail /map …]
//
// Prints, per page: long tasks (count, total and longest), frames drawn, and the engine's accepted rate.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from '../scripts/console-build.mjs';
import { consoleUrl, engineUrl, signedInBrowser, startStack } from './lib/console-stack.ts';
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
const pages = positionals.length ? positionals : ['/', '/messages?view=tail', '/map', '/threads'];

const work = mkdtempSync(join(tmpdir(), 'organism-smooth-'));
const demo = join(work, 'demo');
cpSync(join(root, 'examples/demo'), demo, {
  recursive: true,
  filter: (src) => !/[/\\](\.organism|node_modules)$/.test(src),
});
symlinkSync(join(root, 'examples/demo/node_modules'), join(demo, 'node_modules'));
const stack = await startStack(join(demo, 'organism.yaml'));
const { token } = stack;

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

const { browser, page } = await signedInBrowser();

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
  const before = accepted;
  const measured = await page.evaluate<{ tasks: number[]; frames: number }>(
    `(${MEASURE})(${seconds * 1000})`,
  );
  const rate = (accepted - before) / seconds;
  const totalMs = measured.tasks.reduce((a, b) => a + b, 0);
  const longestMs = Math.max(0, ...measured.tasks);
  const fps = measured.frames / seconds;
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
await stack.stop();
rmSync(work, { recursive: true, force: true });
