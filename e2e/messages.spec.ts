import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';

/** Adds a filter through the chips: "Filter", the field, then its value and Apply, or the choice picked. */
async function addFilter(page: Page, label: string, value: string, choice = false): Promise<void> {
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page
    .getByRole('listbox', { name: 'Filter fields' })
    .getByRole('option', { name: label, exact: true })
    .click();
  if (choice) return pick(page, label, value);
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Apply' }).click();
}

/** Picks a choice filter's value: it applies at once, with no Apply. */
async function pick(page: Page, label: string, value: string): Promise<void> {
  await page
    .getByRole('listbox', { name: `${label} choices` })
    .getByRole('option', { name: value, exact: true })
    .click();
}

/** Changes a choice filter through its chip. */
async function changeChoice(page: Page, label: string, value: string): Promise<void> {
  await page.getByRole('button', { name: `change the ${label} filter` }).click();
  await pick(page, label, value);
}

/** `messages.list` as the signed-in user sees it. */
async function listMessages(page: Page, input: Record<string, unknown>): Promise<{ id: string }[]> {
  return page.evaluate(async (i) => {
    const res = await fetch(`/trpc/messages.list?input=${encodeURIComponent(JSON.stringify(i))}`);
    const body = (await res.json()) as { result: { data: { items: { id: string }[] } } };
    return body.result.data.items;
  }, input);
}

const num = async (tail: Locator, attr: string): Promise<number> => Number(await tail.getAttribute(attr));

test('filters live in the URL: they survive a reload, and a filter that matches nothing offers to clear', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin');
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: 'Messages', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Messages' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await expectAccessible(page);

  await addFilter(page, 'to', 'tools.calculator');
  // Typing in the Filter menu narrows its fields, and Enter picks the one left: "state", not the first.
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const fields = page.getByRole('listbox', { name: 'Filter fields' });
  await page.keyboard.type('nope');
  await expect(fields.getByRole('option')).toHaveCount(0);
  await expect(page.getByText('No field matches.')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(fields).toBeVisible();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('state');
  await expect(fields.getByRole('option')).toHaveText(['state']);
  await page.keyboard.press('Enter');
  await pick(page, 'state', 'FAILED');
  await expect(page).toHaveURL(/[?&]to=tools\.calculator/);
  await expect(page).toHaveURL(/[?&]state=FAILED/);
  // The demo's traffic divides by zero now and then: those dead letters are what this shows.
  const first = table.getByRole('row').nth(1);
  await expect(first).toContainText('HANDLER_ERROR', { timeout: 30_000 });
  for (const row of await table.getByRole('row').all())
    if ((await row.getAttribute('aria-rowindex')) !== '1')
      await expect(row).toContainText('tools.calculator');

  await page.reload();
  await expect(page.getByRole('button', { name: 'change the to filter' })).toContainText('tools.calculator');
  await expect(page.getByRole('button', { name: 'change the state filter' })).toContainText('FAILED');
  await expect(table.getByRole('row').nth(1)).toContainText('HANDLER_ERROR');
  await expectAccessible(page);

  await addFilter(page, 'payload root', 'no-such-root');
  await expect(table).toContainText('No messages match these filters.');
  await page.getByRole('button', { name: 'Clear the filters' }).click();
  await expect(page).not.toHaveURL(/[?&](to|state|root)=/);
  await expect(table.getByRole('row').nth(1)).toBeVisible();

  // A filter in the address that is not one is a chip saying so, filtering nothing, with its × to remove it.
  await page.goto('/messages?state=NOPE&to=greeter');
  const filters = page.getByRole('group', { name: 'Filters' });
  await expect(filters).toContainText('state: NOPE — not a state, ignored');
  await expect(page.getByRole('button', { name: 'change the to filter' })).toContainText('greeter');
  await expect(table.getByRole('row').nth(1)).toContainText('greeter');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'remove the state filter' }).click();
  await expect(page).not.toHaveURL(/[?&]state=/);
  await expect(page).toHaveURL(/[?&]to=greeter/);
  await expect(filters).not.toContainText('NOPE');
});

test('the list takes new messages as they come, and holds still while the pointer or the keyboard is in it', async ({
  page,
}) => {
  await signIn(page, 'admin');
  // Away from where the list will be: a pointer on it holds it still.
  await page.mouse.move(0, 0);
  await page.goto('/messages');
  const table = page.getByRole('table', { name: 'Messages' });
  const pager = page.getByRole('navigation', { name: 'Newer and older pages' });
  const top = () => table.getByRole('row').nth(1).getByRole('link').first().getAttribute('href');
  await expect(pager).toContainText('newest first · live');
  const before = await top();
  // The demo's traffic sends five messages a second: a new one tops the list without a reload.
  await expect.poll(top, { timeout: 15_000 }).not.toBe(before);

  await table.hover();
  await expect(pager).toContainText('held while the pointer is on the list');
  const held = await top();
  await page.waitForTimeout(3_000);
  expect(await top()).toBe(held);
  // A refetch of every query (here the tab shown again; the engine back after an outage does the same)
  // leaves the held list alone, and brings its rows as the hold ends.
  // (A string: the root tsconfig has no DOM library.)
  await page.evaluate("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
  await page.waitForTimeout(1_500);
  expect(await top()).toBe(held);
  await page.mouse.move(0, 0);
  await expect(pager).toContainText('newest first · live');
  await expect.poll(top, { timeout: 15_000 }).not.toBe(held);

  // A refresh already on its way as the pointer comes in does not land under it either (a click whose
  // press and release fall on different rows is lost): the answers are slowed so that one is caught.
  await page.route(/\/trpc\/[^?]*messages\.list/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue().catch(() => undefined);
  });
  await page.waitForRequest(/\/trpc\/[^?]*messages\.list/);
  await table.hover();
  const caught = await top();
  await page.waitForTimeout(2_500);
  expect(await top()).toBe(caught);
  await page.mouse.move(0, 0);
  await expect.poll(top, { timeout: 15_000 }).not.toBe(caught);
  await page.unroute(/\/trpc\/[^?]*messages\.list/);

  // So does the keyboard in it: the row in hand stays where it is, and keeps the focus.
  await table.getByRole('row').nth(2).focus();
  await expect(pager).toContainText('held while you are in the list');
  // Read once the hold has begun: rows that landed as the focus came in are the ones held.
  const inHand = await top();
  const focused = table.locator('tr:focus');
  const focusedMessage = await focused.getByRole('link').first().getAttribute('href');
  await page.waitForTimeout(3_000);
  expect(await top()).toBe(inHand);
  await expect(focused.getByRole('link').first()).toHaveAttribute('href', focusedMessage ?? '');
  await page.getByRole('heading', { name: 'Messages', level: 1 }).click();
  await expect(pager).toContainText('newest first · live');
});

test('the live tail pauses and resumes from where it stopped: nothing skipped, nothing twice', async ({
  page,
}) => {
  // One route, so every message of the test fits on screen (the tail renders only the rows in view).
  await signIn(page, 'admin', '/messages?view=tail&to=tools.calculator');
  const tail = page.getByTestId('live-tail');
  await expect(tail).toHaveAttribute('data-paused', 'false');
  await expect.poll(() => num(tail, 'data-received')).toBeGreaterThan(0);
  const started = Date.now();
  await expect.poll(() => num(tail, 'data-rows'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expectAccessible(page);

  // The pointer on the rows holds them still, as the list does: what arrives meanwhile is counted, and
  // drawn once the pointer leaves. A row clicked is the one that was read.
  const topSeq = () => tail.getByRole('row').nth(1).getAttribute('data-seq');
  await tail.getByRole('row').nth(1).hover();
  await expect(tail).toHaveAttribute('data-held', 'true');
  await expect(tail).toContainText('held while the pointer is on the rows');
  const heldTop = await topSeq();
  const heldLast = await num(tail, 'data-last-seq');
  await expect.poll(() => num(tail, 'data-last-seq'), { timeout: 30_000 }).toBeGreaterThan(heldLast);
  expect(await topSeq()).toBe(heldTop);
  await page.mouse.move(0, 0);
  await expect(tail).toHaveAttribute('data-held', 'false');
  await expect.poll(topSeq, { timeout: 15_000 }).not.toBe(heldTop);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(tail).toHaveAttribute('data-paused', 'true');
  const pausedAt = Date.now();
  const frozen = await num(tail, 'data-rows');
  const top = await tail.getByRole('row').nth(1).getAttribute('data-seq');
  // Meanwhile the tail counts what arrives, and the view stays as it was.
  await expect(page.locator('p', { hasText: 'Paused at seq' })).toContainText(
    /[1-9][\d,]* transitions? since/,
    { timeout: 20_000 },
  );
  await page.waitForTimeout(3_000);
  expect(await num(tail, 'data-rows')).toBe(frozen);
  expect(await tail.getByRole('row').nth(1).getAttribute('data-seq')).toBe(top);

  // A message opened from the paused tail, then back: the tail is as it was, paused on the same rows, and
  // it read on meanwhile (the checks below find nothing missing, nothing twice).
  await tail.getByRole('row').nth(1).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /Message/ })).toBeVisible();
  await page.goBack();
  await expect(tail).toHaveAttribute('data-paused', 'true');
  await expect(page.locator('p', { hasText: 'Paused at seq' })).toBeVisible();
  expect(await num(tail, 'data-rows')).toBe(frozen);
  expect(await tail.getByRole('row').nth(1).getAttribute('data-seq')).toBe(top);

  await page.getByRole('button', { name: 'Resume' }).click();
  const resumedAt = Date.now();
  await expect(tail).toHaveAttribute('data-paused', 'false');
  await page.waitForTimeout(2_000);

  // The stream itself: every transition since the tail opened, in sequence, none missing, none twice. The
  // counters are read in one go: the tail redraws them four times a second while traffic flows.
  const counters = await tail.evaluate((el: { getAttribute(name: string): string | null }) => {
    const n = (name: string) => Number(el.getAttribute(name));
    return {
      gaps: n('data-gaps'),
      repeats: n('data-repeats'),
      received: n('data-received'),
      firstSeq: n('data-first-seq'),
      lastSeq: n('data-last-seq'),
    };
  });
  expect(counters.gaps).toBe(0);
  expect(counters.repeats).toBe(0);
  expect(counters.received).toBe(counters.lastSeq - counters.firstSeq + 1);

  // And what it shows: every message the journal has for this route from before the pause until after the
  // resume is a row, once.
  const shown = await tail
    .getByRole('row')
    .evaluateAll((rows: { getAttribute(name: string): string | null }[]) =>
      rows.map((r) => r.getAttribute('data-message-id')).filter((id): id is string => id !== null),
    );
  expect(new Set(shown).size).toBe(shown.length);
  const journal = await listMessages(page, {
    to: 'tools.calculator',
    since: started + 500,
    until: resumedAt - 500,
    limit: 500,
  });
  expect(resumedAt - pausedAt).toBeGreaterThan(3_000);
  expect(journal.length).toBeGreaterThan(0);
  expect(shown).toEqual(expect.arrayContaining(journal.map((m) => m.id)));
});

test('the live tail shows no attempt for an answer handed to an outside producer, as the list does', async ({
  page,
}) => {
  // The demo's traffic is an outside producer: its listeners' answers to it are recorded, never dispatched.
  await signIn(page, 'viewer', '/messages?view=tail&to=traffic');
  const tail = page.getByTestId('live-tail');
  const row = tail.getByRole('row').nth(1);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.getByTitle('never dispatched')).toHaveText('—');
});

test('a refused message shows its raw input as it arrived, the problem marked at its line', async ({
  page,
}) => {
  await signIn(page, 'operator');
  // A greeting with an element its contract does not allow, on line 3 of the payload.
  const refused = await page.evaluate(async () => {
    const res = await fetch('/trpc/messages.inject', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        to: 'greeter',
        payloadXml: '<greeting>\n  <name>e2e</name>\n  <nom>refused</nom>\n</greeting>',
      }),
    });
    return { status: res.status, at: Date.now() };
  });
  expect(refused.status).toBe(400);

  await page.goto('/messages');
  await addFilter(page, 'from', 'console:operator');
  await addFilter(page, 'state', 'REJECTED', true);
  await expect(page).toHaveURL(/[?&]state=REJECTED/);
  const table = page.getByRole('table', { name: 'Messages' });
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('REJECTED');
  await expect(row).toContainText('SCHEMA_VIOLATION');
  for (const r of (await table.getByRole('row').all()).slice(1)) await expect(r).toContainText('REJECTED');
  // FAILED is the failed deliveries: refused input is not among them. Picked with the keyboard: the arrow
  // keys move through the choices without applying any, typing narrows them, Enter applies.
  await page.getByRole('button', { name: 'change the state filter' }).click();
  const choices = page.getByRole('listbox', { name: 'state choices' });
  await expect(choices.getByRole('option')).toHaveCount(6);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(choices.locator('[aria-selected="true"]')).toHaveCount(1);
  await expect(page).toHaveURL(/[?&]state=REJECTED/);
  await expectAccessible(page);
  await page.keyboard.type('FAIL');
  await expect(choices.getByRole('option')).toHaveText(['FAILED']);
  await page.keyboard.press('Enter');
  await expect(choices).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]state=FAILED/);
  await expect(row).toContainText(/No messages match|FAILED/);
  await expect(table).not.toContainText('REJECTED');
  await changeChoice(page, 'state', 'REJECTED');
  await expect(row).toContainText('REJECTED');
  await row.getByRole('link').first().click();

  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/);
  await expect(page).toHaveTitle(`Message ${new URL(page.url()).pathname.slice(10, 18)} · Organism`);
  await expect(page.getByRole('region', { name: 'Failure' })).toContainText('SCHEMA_VIOLATION');
  const raw = page.getByRole('region', { name: 'raw input' }).first();
  await expect(raw).toContainText('<nom>refused</nom>');
  const problems = page.getByRole('list', { name: 'Problems' });
  await expect(problems).toContainText('line 3');
  await expect(problems).toContainText("Element 'nom'");
  // Marked in the editor on that very line: the refused element is underlined.
  await expect(raw.locator('.cm-lintRange-error')).toContainText('<nom>refused</nom>');
  // Its Copy button sits over the code's corner, and no line runs under it: every line ends left of it.
  const copyAt = await raw.getByRole('button', { name: 'Copy' }).boundingBox();
  const lineEnds = await raw
    .locator('.cm-line')
    .evaluateAll((lines) =>
      lines.map(
        (l) => (l as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right,
      ),
    );
  expect(lineEnds.length).toBeGreaterThan(0);
  expect(Math.max(...lineEnds)).toBeLessThanOrEqual(copyAt!.x);
  await expectAccessible(page);
});

test("at 1024 px the list keeps each row's thread link, and the route keeps its room", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await signIn(page, 'viewer', '/messages');
  const table = page.getByRole('table', { name: 'Messages' });
  await expect(table.getByRole('columnheader', { name: 'thread' })).toBeVisible();
  const threaded = table.getByRole('row').filter({ has: page.locator('a[href^="/threads/"]') });
  await expect(threaded.first().locator('a[href^="/threads/"]')).toBeVisible();
  const route = await table.getByRole('columnheader', { name: 'from → to' }).boundingBox();
  expect(route!.width).toBeGreaterThanOrEqual(220);
  // The commonest refusal's code is read whole, and its title has it with the first line of why.
  await page.goto('/messages?errorCode=SCHEMA_VIOLATION');
  const code = table.getByRole('row').nth(1).getByText('SCHEMA_VIOLATION', { exact: true });
  await expect(code).toBeVisible({ timeout: 20_000 });
  type Box = { parentElement: { scrollWidth: number; clientWidth: number } | null };
  const cut = await code.evaluate(
    (el: Box) => !el.parentElement || el.parentElement.scrollWidth > el.parentElement.clientWidth,
  );
  expect(cut).toBe(false);
  await expect(code).toHaveAttribute('title', /^SCHEMA_VIOLATION: \S/);
});

test('an address with no page, and an id that is not one, say so inside the frame with the way back', async ({
  page,
}) => {
  await signIn(page, 'admin');
  const missing = await page.goto('/no-such-page');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Messages' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the overview' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto('/messages/not-a-real-id');
  await expect(page.getByText('“not-a-real-id” is not a message id')).toBeVisible();
  await page.getByRole('link', { name: 'All messages' }).click();
  await expect(page).toHaveURL(/\/messages$/);

  await page.goto('/threads/00000000-0000-4000-8000-000000000000');
  await expect(page.getByText('No thread 00000000-0000-4000-8000-000000000000')).toBeVisible();
  await expect(page.getByRole('link', { name: 'All threads' })).toBeVisible();
  await expectAccessible(page);

  // An escape that is not UTF-8 is the client's fault, on a page or on the API: 400, saying which path.
  for (const path of ['/messages/%ZZ', '/trpc/%E0%A4%A']) {
    const bad = await page.request.get(path);
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain(`the path "${path}" is not valid percent-encoded UTF-8`);
  }
  // `/trpc` itself is the engine's to answer, in its JSON, not a page.
  const bare = await page.request.get('/trpc');
  expect(bare.status()).toBe(404);
  expect(await bare.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'no route GET /trpc' } });
  // An address past what node:http reads is told why, with the console's headers, where it was an empty 431.
  const long = await page.request.get(`/messages?q=${'x'.repeat(20_000)}`);
  expect(long.status()).toBe(431);
  expect(long.headers()['x-frame-options']).toBe('DENY');
  expect(await long.text()).toMatch(
    /^the request's headers are larger than \d+ KiB, the most the console reads/,
  );
});

test("an id's copy button copies it, and says why not when the browser refuses or offers no clipboard", async ({
  page,
}) => {
  await signIn(page, 'admin');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const uncaught: string[] = [];
  page.on('pageerror', (e) => uncaught.push(e.message));
  // A message's page: its thread's id, with its copy button, stays put there. The list is live: the pointer
  // rests on it first, as a hand does, so that it holds still for the click.
  await page.goto('/messages');
  const list = page.getByRole('table', { name: 'Messages' });
  await list.hover();
  await expect(page.getByRole('navigation', { name: 'Newer and older pages' })).toContainText(
    'held while the pointer is on the list',
  );
  await list.getByRole('row').nth(1).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/);
  const copy = page.getByRole('button', { name: /^copy [0-9a-f-]{36}$/ }).first();
  const id = ((await copy.getAttribute('aria-label')) ?? '').slice('copy '.length);
  await copy.click();
  await expect(page.getByText('id copied')).toBeVisible();
  // The root tsconfig has no DOM library: the page's clipboard, typed by hand.
  type Nav = { navigator: { clipboard?: { writeText: unknown; readText(): Promise<string> } } };
  expect(await page.evaluate(() => (globalThis as unknown as Nav).navigator.clipboard!.readText())).toBe(id);

  // The browser refuses the write: said, and nothing thrown.
  await page.evaluate(() => {
    (globalThis as unknown as Nav).navigator.clipboard!.writeText = () =>
      Promise.reject(new Error('Write permission denied.'));
  });
  await copy.click();
  await expect(page.getByText('The browser refused to copy: select the text and copy it.')).toBeVisible();
  // No clipboard at all (http, not localhost): said too, rather than nothing.
  await page.evaluate(() =>
    Object.defineProperty((globalThis as unknown as Nav).navigator, 'clipboard', { value: undefined }),
  );
  await copy.click();
  await expect(
    page.getByText('This browser allows copying only on https or localhost: select the text and copy it.'),
  ).toBeVisible();
  expect(uncaught).toEqual([]);
});

test('an address whose page position the engine cannot read leads back to the first page', async ({
  page,
}) => {
  // A link kept from elsewhere, or edited: the engine refuses the position rather than guess.
  await signIn(page, 'viewer', '/messages?after=AAAA%3BDROP%20TABLE');
  const alert = page.getByRole('alert').filter({ hasText: 'This address points at a page of the list' });
  await expect(alert).toContainText('that the engine cannot find (a link from another engine, or edited)');
  await alert.getByRole('button', { name: 'Go to the first page' }).click();
  await expect(page).not.toHaveURL(/[?&]after=/);
  await expect(page.getByRole('table', { name: 'Messages' }).getByRole('row').nth(1)).toBeVisible();
});
