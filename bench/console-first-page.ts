// Is the first page of every screen usable in ≤ 1 s on a big journal? Starts the engine under its supervisor
// on a copy of the seeded journal of console.bench.ts (1,000,000 messages, 100,000 threads, 20 listeners:
// seeded into bench/.cache on first use) with an organism of the seeded listeners, and the console's
// production build; sends a light load (--rate, msg/s, passed on between the listeners: about 60 routes)
// so the live views have something to show; then, in Debian's Chromium signed in as admin, loads each
// screen afresh (a full navigation, as in a new tab) --runs times and times from the navigation's start
// to the moment the screen's own data is on it (per screen, the elements that say so: the first table
// row, the diagram's nodes, the payload, not the load event).
//
//   pnpm -C bench console-first-page [--runs 5] [--rate 20] [--shots dir] [screen names…]
//
// Prints, per screen: median and max time to usable beside the 1 s aim, where the median run's time went
// (document, DOMContentLoaded, first and last tRPC answer), and each tRPC request of the median run with
// the time it started and the time the server took to answer (request sent → first byte, through
// Next's /trpc rewrite).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../apps/engine/src/journal/sqlite/open-database.ts';
import { seededJournal } from './lib/console-seed.ts';
import { consoleUrl, engineUrl, signedInBrowser, startStack } from './lib/console-stack.ts';
import { fmt } from './lib/figures.ts';
import { payloadXml, writeSeedOrganism } from './lib/seed-organism.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    rate: { type: 'string', default: '20' },
    // A folder for a picture of each screen of the first run as it became usable (and settled): to look at.
    shots: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const RATE = Number(values.rate);
const AIM_MS = 1_000;
const N = Number(process.env.BENCH_CONSOLE_MESSAGES ?? 1_000_000);

const { path: seeded, info } = seededJournal(N, (l) => console.log(l));
const work = mkdtempSync(join(tmpdir(), 'organism-firstpage-'));
const journal = join(work, 'journal.sqlite');
let t0 = performance.now();
copyFileSync(seeded, journal); // the engine writes (recovery, the load): never into the cache
console.log(`journal: copied to ${journal} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const ids = pickIds(journal);
const organism = writeSeedOrganism(work, journal);
t0 = performance.now();
const stack = await startStack(organism);
console.log(`engine and console up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

/** A marker: a CSS selector that must match a visible element, and optionally text that element holds. */
type Marker = string | { css: string; text: string };
interface Screen {
  name: string;
  path: string;
  /** The screen is usable when every marker is on it. */
  ready: Marker[];
  /** A screen drawn first and refined after (the map's quick placement, then ELK's): when it has settled. */
  settled?: string;
}
const table = (label: string): string => `table[aria-label="${label}"] tbody tr[data-index="0"]`;
const screens: Screen[] = [
  {
    name: 'overview',
    path: '/',
    ready: [
      { css: 'main p', text: ' queued' },
      'main li a[href^="/messages/"]',
      'main a[href^="/listeners/"]',
    ],
  },
  {
    name: 'map',
    path: '/map',
    ready: ['.react-flow__node a[href="/listeners/payments"]'],
    settled: '.react-flow[data-layout="final"]',
  },
  {
    name: 'listeners',
    path: '/listeners',
    ready: ['section[aria-label="Listeners"] tbody a[href^="/listeners/"]'],
  },
  {
    name: 'listener page',
    path: '/listeners/payments',
    ready: [
      { css: 'main h1', text: 'payments' },
      'main .cm-content',
      '[role="treeitem"]',
      'main table a[href^="/messages/"]',
    ],
  },
  { name: 'threads', path: '/threads', ready: [table('Threads')] },
  {
    name: 'thread page',
    path: `/threads/${ids.thread}`,
    ready: ['ol[aria-label="Hops"] li', 'section[aria-label="Selected hop"] .cm-content'],
  },
  { name: 'messages', path: '/messages', ready: [table('Messages')] },
  {
    name: 'message page',
    path: `/messages/${ids.message}`,
    ready: [{ css: 'main h1', text: 'FAILED' }, 'main .cm-content'],
  },
  {
    name: 'messages FAILED to payments',
    path: '/messages?state=FAILED&to=payments',
    ready: [table('Messages')],
  },
  { name: 'live tail', path: '/messages?view=tail', ready: [table('Live tail')] },
  {
    name: 'dead letters',
    path: '/dead-letters',
    ready: ['section[aria-label="Dead letter groups"] tbody a[href^="/dead-letters/group"]'],
  },
  {
    name: 'dead-letter group',
    path: '/dead-letters/group?to=payments&errorCode=HANDLER_ERROR',
    ready: ['main table tbody a[href^="/messages/"]'],
  },
].filter((s) => positionals.length === 0 || positionals.some((p) => s.name.includes(p)));

// The load: requests to the seeded listeners from an outside producer, RATE a second.
let loading = RATE > 0;
let sent = 0;
const load = (async () => {
  const start = performance.now();
  while (loading) {
    const to = ['gateway', 'orders', 'payments', 'shipping', 'fraud'][sent % 5]!;
    const body = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>traffic</from><to>${to}</to></meta>${payloadXml(to, sent)}</message>`;
    await fetch(`${engineUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${stack.token}` },
      body,
    })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
    sent++;
    const due = start + (sent * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
})();

const { browser, page } = await signedInBrowser();
// Runs in every document before the page's own scripts: watches the DOM for the screen's markers and
// notes the frame that first draws them all.
// Kept as text (here and in TIMINGS): tsx would otherwise wrap the functions in helpers the page lacks.
await page.addInitScript(`(() => {
  const ready = (${JSON.stringify(Object.fromEntries(screens.map((s) => [s.path, s.ready])))})[location.pathname + location.search];
  const settled = (${JSON.stringify(Object.fromEntries(screens.map((s) => [s.path, s.settled ?? null])))})[location.pathname + location.search];
  if (!ready) return;
  const shown = (m) => {
    const css = typeof m === 'string' ? m : m.css;
    for (const el of document.querySelectorAll(css))
      if (el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
          (typeof m === 'string' || (el.textContent || '').includes(m.text)))
        return true;
    return false;
  };
  // Checked at most once a frame (checkVisibility lays out): checking on every mutation cost the pages
  // that change most up to 600 ms.
  let queued = false;
  const check = () => {
    queued = false;
    // In an animation frame callback: this frame draws them.
    if (!window.__usable && ready.every(shown)) window.__usable = { frame: performance.now() };
    if (settled && !window.__settled && document.querySelector(settled)) window.__settled = performance.now();
    if (window.__usable && (!settled || window.__settled)) observer.disconnect();
  };
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(check);
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})()`);

/** Where the time of a load went, read in the page once it is usable. */
const TIMINGS = `(() => {
  const usable = window.__usable;
  const nav = performance.getEntriesByType('navigation')[0];
  const calls = performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/trpc/') && e.responseEnd <= usable.frame)
    .map((e) => ({
      procedures: decodeURIComponent(new URL(e.name).pathname.slice('/trpc/'.length)),
      startMs: e.startTime,
      serverMs: e.responseStart - e.requestStart,
      endMs: e.responseEnd,
    }));
  return { usableMs: usable.frame, settledMs: window.__settled, documentMs: nav.responseEnd, dclMs: nav.domContentLoadedEventEnd, calls };
})()`;

interface Call {
  procedures: string;
  startMs: number;
  serverMs: number;
  endMs: number;
}
interface Run {
  usableMs: number;
  settledMs?: number;
  documentMs: number;
  dclMs: number;
  calls: Call[];
}
/** How many routes the map drew: the last five minutes' (the seed's open threads, recovered at the start, and the load). */
const ROUTES = `fetch('/trpc/listeners.routes?input=' + encodeURIComponent('{"windowSeconds":300}')).then((r) => r.json()).then((j) => j.result.data.routes.length)`;
const mapRoutes: number[] = [];
const results = new Map<string, Run[]>(screens.map((s) => [s.name, []]));
console.log(
  `\nconsole first page: ${info.messages.toLocaleString('en-US')} messages, ${info.threads.toLocaleString('en-US')} threads; ${RUNS} runs per screen, interleaved; load ${RATE} msg/s; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
);
for (let r = 0; r < RUNS; r++) {
  for (const s of screens) {
    // Each load as in a new tab: nothing kept in sessionStorage (the map's last layout) from the run before.
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${consoleUrl}${s.path}`, { waitUntil: 'commit' });
    const handle = await page
      .waitForFunction('window.__usable', null, { timeout: 20_000, polling: 50 })
      .catch(() => undefined);
    if (!handle) {
      console.log(`  ${s.name}: not usable within 20 s (run ${r + 1}); markers: ${JSON.stringify(s.ready)}`);
      await page.screenshot({ path: join(work, `${s.name.replace(/\W+/g, '-')}-${r}.png`) });
      continue;
    }
    const shot = (when: string) =>
      values.shots && r === 0
        ? page.screenshot({ path: join(values.shots, `${s.name.replace(/\W+/g, '-')}-${when}.png`) })
        : undefined;
    await shot('usable');
    if (s.settled)
      await page
        .waitForFunction('window.__settled', null, { timeout: 20_000, polling: 50 })
        .catch(() => console.log(`  ${s.name}: did not settle within 20 s (run ${r + 1})`));
    if (s.settled) await page.waitForTimeout(values.shots ? 1500 : 0).then(() => shot('settled'));
    results.get(s.name)!.push(await page.evaluate<Run>(TIMINGS));
    if (s.name === 'map') mapRoutes.push(await page.evaluate<number>(ROUTES));
  }
}

loading = false;
await load;
await browser.close();
await stack.stop();
rmSync(work, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const ms = (x: number): string => (Number.isFinite(x) ? fmt(x) : '—');
console.log(
  `\n${'screen'.padEnd(30)}${'median'.padStart(8)}${'max'.padStart(8)}${'÷ 1 s'.padStart(7)}   ${'≤ 1 s'.padEnd(6)}${'document'.padStart(9)}${'DCL'.padStart(7)}${'1st api'.padStart(9)}${'last api'.padStart(9)}${'api rounds'.padStart(11)}`,
);
const over: string[] = [];
for (const s of screens) {
  const runs = results.get(s.name)!;
  const usable = runs.map((r) => r.usableMs);
  const m = median(usable);
  const max = Math.max(...usable);
  // The median run, for where its time went.
  const mid = runs.find((r) => r.usableMs === m);
  const first = mid?.calls.length ? Math.min(...mid.calls.map((c) => c.startMs)) : NaN;
  const last = mid?.calls.length ? Math.max(...mid.calls.map((c) => c.endMs)) : NaN;
  if (!(m <= AIM_MS)) over.push(s.name);
  console.log(
    `${s.name.padEnd(30)}${ms(m).padStart(8)}${ms(max).padStart(8)}${(m / AIM_MS).toFixed(2).padStart(7)}   ${(m <= AIM_MS ? 'pass' : 'FAIL').padEnd(6)}${ms(mid?.documentMs ?? NaN).padStart(9)}${ms(mid?.dclMs ?? NaN).padStart(7)}${ms(first).padStart(9)}${ms(last).padStart(9)}${String(rounds(mid?.calls ?? [])).padStart(11)}`,
  );
}
for (const s of screens.filter((x) => x.settled)) {
  const settled = results.get(s.name)!.flatMap((r) => (r.settledMs ? [r.settledMs] : []));
  console.log(
    `${s.name}: usable at once on a first placement, settled (its final layout drawn) after ${ms(median(settled))} ms median, ${ms(Math.max(...settled))} max`,
  );
}
console.log(
  '\ntRPC requests of the median run (batched procedures; start → server time, ms from navigation):',
);
for (const s of screens) {
  const runs = results.get(s.name)!;
  const mid = runs.find((r) => r.usableMs === median(runs.map((x) => x.usableMs)));
  const calls = (mid?.calls ?? [])
    .sort((a, b) => a.startMs - b.startMs)
    .map((c) => `${c.procedures} @${fmt(c.startMs)} ${fmt(c.serverMs)} ms`);
  console.log(`  ${s.name}: ${calls.join('; ') || 'none'}`);
}
console.log(
  `\nsent ${fmt(sent)} messages of load; the map had ${mapRoutes.length ? `${fmt(Math.min(...mapRoutes))} to ${fmt(Math.max(...mapRoutes))}` : 'no'} routes; load average at the end ${loadavg()[0]!.toFixed(1)}\naim: every screen's first page usable in ≤ ${AIM_MS} ms (issue 8, "Scale")${over.length ? `; over it: ${over.join(', ')}` : ''}`,
);

/** Requests that had to wait for an earlier one: the length of the longest chain of requests, each starting after the one before answered. */
function rounds(calls: Call[]): number {
  const sorted = [...calls].sort((a, b) => a.startMs - b.startMs);
  const depth: number[] = [];
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.endMs <= c.startMs) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
  });
  return Math.max(0, ...depth);
}

/** The screens' ids: a failed thread with many hops, a dead letter (not refused input) in it. */
function pickIds(file: string): { thread: string; message: string } {
  const db = openDatabase(file, 'fast', { engineLock: false });
  try {
    const row = db.sqlite
      .prepare(
        `SELECT m.thread_id AS thread, m.id AS message FROM messages m
          WHERE m.state = 'FAILED' AND m.kind != 'rejected' AND m.to_name = 'payments'
            AND (SELECT count(*) FROM messages x WHERE x.thread_id = m.thread_id) >= 10
          ORDER BY m.created_at DESC LIMIT 1`,
      )
      .get() as { thread: string; message: string } | undefined;
    if (!row) throw new Error('the seeded journal has no failed thread of 10 hops to payments');
    return row;
  } finally {
    db.close();
  }
}
