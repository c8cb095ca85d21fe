import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible, inject, mutateByHand, signIn, signInWithForm } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

test('a wrong password is refused with a clear message; the right one opens the overview', async ({
  page,
}) => {
  const answer = await page.goto('/sign-in');
  // No other site may frame the console, sniff its answers or learn its addresses from a referrer.
  expect(answer?.headers()).toMatchObject({
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  });
  const api = await page.request.get('/trpc/auth.me');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  await expectAccessible(page);
  // The tab has the console's icon.
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
  const served = await page.request.get(icon ?? '/favicon.ico');
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toContain('image/svg+xml');
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /./ })).toHaveText('Wrong name or password.');
  await signInWithForm(page, 'admin');
  await expect(page.getByText('admin', { exact: true }).first()).toBeVisible();
  // The overview's name as an address is the overview too.
  const redirected = await page.request.get('/overview', { maxRedirects: 0 });
  expect([redirected.status(), redirected.headers()['location']]).toEqual([307, '/']);
});

test('the overview shows the organism live: state, counts that move, a chart', async ({ page }) => {
  await signIn(page, 'admin');
  await expect(page.getByRole('banner')).toContainText('demo');
  await expect(page.getByRole('banner')).toContainText('running');
  await expect(page.getByRole('banner')).toContainText('supervised');
  // The uptime counts on between the status's refreshes (every 15 s), second by second while it shows
  // seconds (the engine here is younger than an hour): not five at a time.
  const up = page.getByRole('banner').locator('time');
  const secondsOf = async (): Promise<number> => {
    const [, m = '0', sec = '0'] = /^(?:(\d+)m )?(\d+)s$/.exec(await up.innerText()) ?? [];
    return Number(m) * 60 + Number(sec);
  };
  const upAt = await secondsOf();
  await expect.poll(secondsOf, { timeout: 3_000 }).toBeGreaterThan(upAt);
  expect(await secondsOf()).toBeLessThanOrEqual(upAt + 3);
  await expect(page.getByRole('status').filter({ hasText: 'live' })).toBeVisible();
  const acked = page.getByRole('region', { name: 'Journal' }).getByRole('definition').nth(2);
  const count = async (): Promise<number> => Number((await acked.innerText()).replace(/,/g, ''));
  await expect.poll(count).toBeGreaterThan(0);
  const first = await count();
  await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(first);
  await expect(page.getByRole('img', { name: /Messages per second/ })).toBeVisible();
  // The listeners' counts are live too, each second (the traffic greets several times a second): not
  // every 5 s, as the overview once polled them.
  const greeter = page
    .getByRole('region', { name: 'Listeners' })
    .getByRole('row')
    .filter({ hasText: 'greeter' });
  const greeted = async (): Promise<string> => greeter.getByRole('cell').nth(1).innerText();
  const greetedAt = await greeted();
  await expect.poll(greeted, { timeout: 3_000 }).not.toBe(greetedAt);
  const greetedThen = await greeted();
  await expect.poll(greeted, { timeout: 2_500 }).not.toBe(greetedThen);
  const journal = page.getByRole('region', { name: 'Journal' });
  await expect(journal).toContainText(/Nothing waits to be dispatched|The oldest PENDING entry was recorded/);
  // FAILED is split as the messages list splits it: failed deliveries, and refused input as REJECTED (the
  // traffic refuses a greeting now and then).
  const rows = journal.getByRole('term');
  await expect(rows).toHaveText(['PENDING', 'DISPATCHED', 'ACKED', 'FAILED', 'REJECTED']);
  // Each count's link is named with what it counts, not its number alone.
  await expect(journal.getByRole('link', { name: /^[\d,]+ ACKED messages$/ })).toBeVisible();
  await expect(journal.getByRole('link', { name: /^[\d,]+ refused input$/ })).toBeVisible();
  const rejected = journal.getByRole('definition').nth(4);
  const refusedCount = async (): Promise<number> => Number((await rejected.innerText()).replace(/,/g, ''));
  await expect.poll(refusedCount, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(rejected.getByRole('link')).toHaveAttribute('href', '/messages?state=REJECTED');
  await expect(journal.getByRole('definition').nth(3).getByRole('link')).toHaveAttribute(
    'href',
    '/messages?state=FAILED',
  );
  await expectAccessible(page);
  // Each count opens what it counts.
  await acked.getByRole('link').click();
  await expect(page).toHaveURL(/\/messages\?state=ACKED$/);
  await expect(page.getByRole('button', { name: 'change the state filter' })).toContainText('ACKED');
});

test('on a wide screen every page starts where the others do, its title in the same place', async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 1920, height: 1080 },
    baseURL: E2E.consoleUrl,
  });
  const page = await context.newPage();
  try {
    await signIn(page, 'admin');
    const titleAt = async () => (await page.getByRole('heading', { level: 1 }).first().boundingBox())?.x;
    const first = await titleAt();
    expect(first).toBeDefined();
    // Pages of every width: a narrow form (Your account), an editor (Compose), the map, a wide thread.
    for (const path of ['/account', '/compose', '/map', '/config', '/threads']) {
      await page.goto(path);
      await expect.poll(titleAt, { message: path }).toBe(first);
    }
    await page
      .getByRole('table', { name: 'Threads' })
      .getByRole('row')
      .nth(1)
      .getByRole('link')
      .first()
      .click();
    await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}/);
    await expect.poll(titleAt, { message: 'a thread' }).toBe(first);
  } finally {
    await context.close();
  }
});

test('a newly opened overview charts the minutes before it opened, then moves on', async ({ page }) => {
  await signIn(page, 'admin');
  // Give the engine some history, then open the overview in a fresh tab: its stream starts now.
  const uptime = async (): Promise<number> =>
    page.evaluate(async () => {
      const res = await fetch('/trpc/organism.status');
      return ((await res.json()) as { result: { data: { uptimeMs: number } } }).result.data.uptimeMs;
    });
  await expect.poll(uptime, { timeout: 30_000 }).toBeGreaterThan(12_000);
  const fresh = await page.context().newPage();
  const opened = Date.now();
  await fresh.goto('/');
  const chart = fresh.getByRole('img', { name: /Messages per second/ });
  const known = async (): Promise<number> => Number(await chart.getAttribute('data-known-seconds'));
  const delivered = async (): Promise<number> => Number(await chart.getAttribute('data-delivered'));
  // It knows more seconds than it has been open (and the engine has been up 12 s or more): the
  // engine's history, not its own counting.
  await expect(chart).toHaveAttribute('data-known-seconds', /\d/);
  const beyondOwn = async (): Promise<number> => (await known()) - Math.ceil((Date.now() - opened) / 1000);
  await expect.poll(beyondOwn, { timeout: 10_000 }).toBeGreaterThan(8);
  const before = await delivered();
  expect(before).toBeGreaterThan(0);
  await expect.poll(delivered, { timeout: 10_000 }).not.toBe(before);

  // The pointer over it reads a second's counts at the crosshair, and holds the chart still meanwhile:
  // over the last seconds (the plot ends 36 px from the right), which were counted.
  const box = (await chart.boundingBox())!;
  await fresh.mouse.move(box.x + box.width - 44, box.y + box.height / 2, { steps: 4 });
  const readout = fresh.getByTestId('throughput-readout');
  await expect(readout).toContainText(/\d{1,2}:\d{2}:\d{2}/);
  await expect(readout).toContainText(/delivered\s*[\d,]+\/s/);
  await expect(chart).toHaveAttribute('data-held', '');
  // The readout is the picture's detail, not announced as the pointer moves; the chart's name says the
  // window in words.
  await expect(readout).toHaveAttribute('aria-hidden', 'true');
  const held = await chart.getAttribute('data-delivered');
  await expect(chart).toHaveAccessibleName(
    new RegExp(`: ${Number(held).toLocaleString('en-US')} delivered, [\\d,]+ failed`),
  );
  await fresh.waitForTimeout(2_500);
  expect(await chart.getAttribute('data-delivered')).toBe(held);
  // Away from it, it catches up and moves on.
  await fresh.mouse.move(0, 0);
  await expect(readout).toHaveCount(0);
  await expect(chart).not.toHaveAttribute('data-held');
  await expect.poll(delivered, { timeout: 10_000 }).not.toBe(Number(held));
  await fresh.close();
});

test('finds why a message failed in one click from the overview', async ({ page }) => {
  await signIn(page, 'admin');
  const failures = page.getByRole('region', { name: 'Latest failures' });
  // The newest failed delivery (refused input never reached a listener: it has no contract to link).
  const newest = failures.locator('li[data-outcome="failed"]').first().getByRole('link');
  await expect(newest).toBeVisible({ timeout: 30_000 });
  // The list moves as failures come: the item is held by its link from here, not by its place.
  const href = (await newest.getAttribute('href')) ?? '';
  expect(href).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
  const first = failures.getByRole('listitem').filter({ has: page.locator(`a[href="${href}"]`) });
  // Its code, then the first line of why, under its id (the line whole on hover; a refusal's problem
  // words first): read here, found whole on its page.
  const why = first.locator('p').nth(1);
  const [code = ''] = (await why.innerText()).trim().split(/\s+/);
  expect(code).toMatch(/^[A-Z_]{5,}$/);
  const line = (await why.locator('[title]').getAttribute('title')) ?? '';
  expect(line.length).toBeGreaterThan(0);
  await first.getByRole('link').click();
  await expect(page).toHaveURL((url) => url.pathname === href);
  const failure = page.getByRole('region', { name: 'Failure' });
  await expect(failure).toBeVisible();
  await expect(failure).toContainText(code);
  // When it failed, and the contract of the listener it failed at, one click away.
  await expect(failure).toContainText(/ ago · /);
  const contract = failure.getByRole('link', { name: /'s contract$/ });
  await expect(contract).toHaveAttribute('href', /^\/listeners\/[^/]+$/);
  // The whole detail is in its history (refused input marks its problems in the raw input instead).
  const history = page.getByRole('region', { name: 'History' });
  await expect(history).toContainText(/FAILED|REJECTED/);
  await expect(history).toContainText(line);
  await expectAccessible(page);
  // Its whole id, copied from beside the heading, to paste into a ticket or a command.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'copy the message id' }).click();
  // The root tsconfig has no DOM library: the page's clipboard, typed by hand.
  const copied = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(`/messages/${copied}`).toBe(href);
});

test('a viewer is offered no retry or discard, and the engine refuses one sent by hand', async ({ page }) => {
  await signIn(page, 'viewer');
  const link = page.getByRole('region', { name: 'Latest failures' }).getByRole('link').first();
  await expect(link).toBeVisible({ timeout: 30_000 });
  await link.click();
  await expect(page.getByRole('region', { name: 'Failure' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Discard' })).toHaveCount(0);
  const id = page.url().split('/').at(-1) ?? '';
  const answer = await mutateByHand(page, 'journal.retry', { messageId: id });
  expect(answer.status).toBe(403);
  expect(answer.engineCode).toBe('FORBIDDEN');
});

test('says at once when the engine goes away, and recovers by itself when it is back', async ({ page }) => {
  await signIn(page, 'admin');
  const connection = page.getByRole('status').filter({ hasText: /live|reconnecting|engine away/ });
  await expect(connection).toHaveText('live');
  // A restart under the supervisor: the engine drains, exits and a fresh one starts. Naps in flight make
  // the drain last long enough to be seen: an idle engine drains in milliseconds, and a quick restart may
  // be back before the console reads it as away.
  await inject(page, 'sleeper', '<nap><ms>800</ms></nap>', undefined, 8);
  const restarted = await page.evaluate(async () => {
    const res = await fetch('/trpc/organism.restart', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ drainMs: 2000 }),
    });
    return res.status;
  });
  expect(restarted).toBe(200);
  // The top bar stops saying "running" with an uptime: the engine drains, then (once it is away, which a
  // quick restart may not reach) it is restarting through the reconnect attempts, until the next
  // engine's stream is live. (engine-state.test.ts has each case.)
  const bar = page.getByRole('banner');
  const state = bar.getByTestId('engine-state');
  await expect(state).toHaveText(/draining|restarting/, { timeout: 20_000 });
  await expect(connection).not.toHaveText('live', { timeout: 20_000 });
  await expect(connection).toHaveText('live', { timeout: 60_000 });
  await expect(bar).toContainText('running', { timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('the reconnecting dot pulses, and holds still for someone who asked for less motion', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  // The live stream refused, so the top bar stays on "reconnecting": its dot pulses as the console's other
  // pulses do (a listener at work, a loading row), and stops for whoever asked their system for less motion.
  await page.route(/\/trpc\/events\.stream/, (route) => route.abort());
  await page.reload();
  const connection = page.getByRole('status').filter({ hasText: /live|reconnecting|engine away/ });
  await expect(connection).toHaveText('reconnecting');
  const pulse = () =>
    connection
      .locator('span[aria-hidden]')
      .evaluate((el) => (globalThis as unknown as GetStyle).getComputedStyle(el).animationName);
  expect(await pulse()).toBe('pulse');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await pulse()).toBe('none');
  await expect(connection).toHaveText('reconnecting');
});

/** The root tsconfig has no DOM library: the little of it used here, typed by hand. */
interface GetStyle {
  getComputedStyle(el: unknown): { animationName: string };
}

test('says within seconds when the engine hangs, and goes live again when it answers', async ({ page }) => {
  await signIn(page, 'admin');
  const connection = page.getByRole('status').filter({ hasText: /live|reconnecting|engine away/ });
  await expect(connection).toHaveText('live');
  // The engine's process, stopped as a hung one would be: its socket stays open, nothing comes out. This
  // checkout's (another checkout's e2e may run on the same machine), and its newest.
  const organism = join(E2E.demo, 'organism.yaml');
  const pattern = `organism\\.js run ${organism.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  const pid = Number(execFileSync('pgrep', ['-n', '-f', pattern], { encoding: 'utf8' }).trim());
  expect(pid).toBeGreaterThan(0);
  const opened = await page.context().newPage();
  // The map, live before the stop: its messages move along the lines.
  const map = await page.context().newPage();
  await map.goto('/map');
  const dots = map.locator('.organism-map canvas');
  await expect(dots).toHaveCount(1);
  process.kill(pid, 'SIGSTOP');
  try {
    const stoppedAt = Date.now();
    await expect(page.getByText('The engine cannot be reached.')).toBeVisible({ timeout: 20_000 });
    // Its pings stop: tRPC reconnects after 8 s without a byte, and the console says so 2 s later.
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    await expect(page.getByRole('banner')).toContainText('not answering');
    // The overview's rates say they are not known, rather than a quiet 0/s.
    const delivered = page.getByText('ACKED, last 10 s').locator('..');
    // Within the ten seconds the tile averages: a second counted just before the stop may still be in it.
    await expect(delivered).toContainText('—', { timeout: 12_000 });
    // Its queue and journal counts are the last it said, and say so.
    await expect(page.getByText('Queue', { exact: true }).locator('..')).toContainText('last known ·');
    await expect(page.getByText(/^The last known counts: the engine has been away \d/)).toBeVisible();
    // The page's place is marked stale: nothing on it pulses "at work now".
    await expect(page.locator('main[data-stale]')).toHaveCount(1);
    // A page opened meanwhile says so too within seconds, not "Loading…" for as long as it hangs.
    await opened.goto('/threads', { waitUntil: 'domcontentloaded' });
    const openedAt = Date.now();
    await expect(opened.getByText('The engine cannot be reached.')).toBeVisible({ timeout: 10_000 });
    expect(Date.now() - openedAt).toBeLessThan(8_000);
    // In the frame, with the pages every role has: who is signed in cannot be read meanwhile.
    const pages = opened.getByRole('navigation', { name: 'Pages' });
    await expect(pages.getByRole('link', { name: 'Messages', exact: true })).toBeVisible();
    await expect(pages.getByRole('link', { name: 'Compose' })).toHaveCount(0);
    // The map's routes and rates are the last it heard, and say so; nothing moves along its lines.
    await expect(
      map.getByText(/^The last known routes, rates and states: the engine has been away/),
    ).toBeVisible();
    await expect(dots).toHaveCount(0);
    // The listeners too, opened from there: their states and counts are what the engine last said.
    await map.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Listeners' }).click();
    await expect(map.getByText(/^The last known states and counts: the engine has been away/)).toBeVisible();
    await expect(map.getByRole('region', { name: 'Listeners' })).toContainText('greeter');
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await expect(connection).toHaveText('live', { timeout: 30_000 });
  await expect(page.getByText('The engine cannot be reached.')).toBeHidden();
  await expect(page.getByText(/^The last known counts/)).toBeHidden();
  await expect(page.locator('main[data-stale]')).toHaveCount(0);
  await expect(map.getByText(/^The last known states and counts/)).toBeHidden({ timeout: 15_000 });
  await expect(page.getByText('ACKED, last 10 s').locator('..')).toContainText('/s', { timeout: 15_000 });
  // And it comes up by itself once the engine answers.
  await expect(opened.getByRole('heading', { name: 'Threads', level: 1 })).toBeVisible({ timeout: 30_000 });
});

test('says on every page when the journal cannot write, and when it writes again', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, 'admin');
  await expect(page.getByRole('status').filter({ hasText: /^live$/ })).toBeVisible();
  // Another program holds the journal's write lock (a backup, a sqlite3 shell left in a transaction):
  // past its busy timeout (2 s) the engine's writes fail, and it takes the journal for unable to write.
  const Database = createRequire(new URL('../apps/engine/package.json', import.meta.url))(
    'better-sqlite3',
  ) as new (path: string) => { exec(sql: string): void; close(): void };
  const other = new Database(join(E2E.demo, '.organism', 'journal.sqlite'));
  try {
    other.exec('BEGIN IMMEDIATE');
    const banner = page.getByRole('alert').filter({ hasText: 'The journal cannot write' });
    await expect(banner).toBeVisible({ timeout: 20_000 });
    await expect(banner).toContainText(/SQLITE_BUSY|locked/);
    await expect(banner).toContainText('503 JOURNAL_UNAVAILABLE');
    await expect(page.getByRole('banner')).toContainText('cannot write');
    // On every page, and on one opened meanwhile.
    await page.goto('/messages');
    await expect(banner).toBeVisible();
    await expectAccessible(page);
  } finally {
    other.exec('COMMIT');
    other.close();
  }
  // The engine's next probe writes: the banner goes, and a toast says so.
  await expect(page.getByText(/^The journal writes again, after /)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'The journal cannot write' })).toHaveCount(0);
  await expect(page.getByRole('banner')).not.toContainText('cannot write');
});

test('a tab whose session ended elsewhere goes to sign-in at once, and back to its page after', async ({
  browser,
}) => {
  // A context of its own: signing out here must not end the session other tests share.
  const context = await browser.newContext({ baseURL: E2E.consoleUrl });
  try {
    const a = await context.newPage();
    await signInWithForm(a, 'viewer');
    const b = await context.newPage();
    await b.goto('/messages?state=FAILED');
    await expect(b.getByRole('heading', { name: 'Messages' })).toBeVisible();
    await expect(b.getByText('live', { exact: true })).toBeVisible();

    await a.getByRole('button', { name: /viewer/ }).click();
    await a.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(a).toHaveURL(/\/sign-in/);
    // The other tab hears it from the engine, which ends its live stream with the session.
    await expect(b).toHaveURL(/\/sign-in\?next=%2Fmessages%3Fstate%3DFAILED/, { timeout: 10_000 });
    await b.getByLabel('Name').fill('viewer');
    await b.getByLabel('Password').fill(E2E.password);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await expect(b).toHaveURL(/\/messages\?state=FAILED$/);

    // `next` leads only to pages of this console, never to another site.
    for (const away of [
      '//example.com/x',
      '/\\example.com/x',
      'https://example.com/x',
      '/\t/example.com/x',
      '/.//example.com/x',
    ]) {
      await context.clearCookies();
      await b.goto(`/sign-in?next=${encodeURIComponent(away)}`);
      await b.getByLabel('Name').fill('viewer');
      await b.getByLabel('Password').fill(E2E.password);
      await b.getByRole('button', { name: 'Sign in' }).click();
      await expect(b.getByRole('heading', { name: 'Overview' })).toBeVisible();
      expect(new URL(b.url()).host).toBe(new URL(E2E.consoleUrl).host);
    }

    // A call refused because the cookie went away (expired, say) does the same, without a reload: the
    // live page's next call (a refresh as messages arrive, the top bar's status every 15 s) is refused.
    // On a page of its own first: a click on the sidebar after the cookie went could lose the race to
    // a refresh already sending the tab to sign-in, the link gone from under the pointer.
    await b.getByRole('link', { name: 'Threads' }).click();
    await expect(b.getByRole('heading', { name: 'Threads', level: 1 })).toBeVisible();
    await context.clearCookies();
    await expect(b).toHaveURL(/\/sign-in\?next=%2Fthreads/, { timeout: 20_000 });
  } finally {
    await context.close();
  }
});
