import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { callsOf, expectAccessible, inject, mutateByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

/**
 * A dead letter that succeeds when retried. The demo's own dead letters all fail again (division by zero,
 * a nap longer than the sleeper's timeout, the planner's peer violation, invalid input), so the operator
 * makes one: eight long naps fill the sleeper's eight slots for a second, a short nap queues behind
 * them, and its thread is killed while it waits. Its dead letter (KILLED) runs fine when retried.
 */
async function killedShortNap(page: Page): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const long = { to: 'sleeper', payloadXml: '<nap><ms>1500</ms></nap>' };
    await Promise.all(Array.from({ length: 9 }, () => mutateByHand(page, 'messages.inject', long)));
    const short = await mutateByHand(page, 'messages.inject', {
      to: 'sleeper',
      payloadXml: '<nap><ms>5</ms></nap>',
    });
    const sent = short.data as { threadId: string; messageIds: string[] };
    const killed = await mutateByHand(page, 'threads.kill', { id: sent.threadId });
    if ((killed.data as { stopped: number }).stopped === 1 && sent.messageIds[0]) return sent.messageIds[0];
  }
  throw new Error('the short nap never waited in the queue long enough to be killed');
}

/** `count` dead letters to tools.calculator (HANDLER_ERROR): `from`, `from + 1`, … divided by zero. */
async function divisionsByZero(page: Page, from: number, count: number): Promise<void> {
  for (let n = 0; n < count; n++)
    await mutateByHand(page, 'messages.inject', {
      to: 'tools.calculator',
      payloadXml: `<calculate><a>${from + n}</a><op>div</op><b>0</b></calculate>`,
    });
}

test('an operator retries a dead letter from its group and sees it ACKED', async ({ page }) => {
  await signIn(page, 'operator');
  const id = await killedShortNap(page);
  // The sidebar counts dead letters, live: the traffic makes new ones every few seconds.
  const entry = page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: /^Dead letters/ });
  const badge = async (): Promise<number> =>
    Number(/\(([\d,]+) dead letters\)/.exec((await entry.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  await expect.poll(badge).toBeGreaterThan(0);
  const before = await badge();
  await expect.poll(badge, { timeout: 20_000 }).toBeGreaterThan(before);
  await entry.click();
  await expect(page.getByRole('heading', { name: 'Dead letters' })).toBeVisible();
  const groups = page.getByRole('region', { name: 'Dead letter groups' });
  const killed = groups.getByRole('row').filter({ hasText: 'sleeper' }).filter({ hasText: 'KILLED' });
  await expect(killed).toBeVisible();
  await expectAccessible(page);
  await killed.getByRole('link', { name: 'sleeper' }).click();
  await expect(page).toHaveURL(/\/dead-letters\/group\?to=sleeper&errorCode=KILLED$/);
  await expect(page.getByRole('heading', { name: /sleeper/ })).toContainText('KILLED');
  const row = page.getByRole('row').filter({ has: page.getByTitle(id) });
  await expect(row).toBeVisible();
  // Each row says what happened to it, without opening the message.
  await expect(row.getByTitle('killed by operator', { exact: true })).toBeVisible();
  await expectAccessible(page);
  // A double-click retries once: one call, one toast.
  const calls = callsOf(page, 'journal.retry');
  await row.getByRole('button', { name: 'Retry' }).dblclick();
  const retried = page.getByRole('region', { name: 'Just retried' });
  await expect(page.getByText(`Message ${id.slice(0, 8)} queued again.`)).toHaveCount(1);
  expect(calls()).toBe(1);
  await expect(retried.getByRole('listitem').filter({ has: page.getByTitle(id) })).toContainText('ACKED');
  // No longer a dead letter: gone from the group, and its own page says ACKED.
  await expect(row).toHaveCount(0);
  await retried.getByRole('link', { name: id.slice(0, 8) }).click();
  await expect(page.getByRole('heading', { name: /Message/ })).toContainText('ACKED');
  // Its history says who put it back in the queue.
  await expect(page.getByRole('row').filter({ hasText: 'PENDING' }).last()).toContainText(
    'retried by operator',
  );
});

test("a dead letter's page leads to its group, and a group back to the list as it was filtered", async ({
  page,
}) => {
  await signIn(page, 'operator');
  const sent = await mutateByHand(page, 'messages.inject', {
    to: 'tools.calculator',
    payloadXml: '<calculate><a>7</a><op>div</op><b>0</b></calculate>',
  });
  const id = (sent.data as { messageIds: string[] }).messageIds[0] ?? '';
  await page.goto(`/messages/${id}`);
  const failure = page.getByRole('region', { name: 'Failure' });
  await expect(failure).toContainText('HANDLER_ERROR');
  await failure.getByRole('link', { name: 'its dead-letter group' }).click();
  await expect(page).toHaveURL(/\/dead-letters\/group\?to=tools\.calculator&errorCode=HANDLER_ERROR$/);
  // The tab names the group, so several open tell themselves apart.
  await expect(page).toHaveTitle('Dead letters: tools.calculator · HANDLER_ERROR · Organism');
  await expect(page.getByRole('row').filter({ has: page.getByTitle(id) })).toBeVisible();

  // From the list, filtered: the group's way back is to the list with its filter.
  await page.goto('/dead-letters?errorCode=HANDLER_ERROR');
  const groups = page.getByRole('region', { name: 'Dead letter groups' });
  await groups.getByRole('row').filter({ hasText: 'tools.calculator' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/dead-letters\/group\?/);
  await page.getByRole('main').getByRole('link', { name: 'Dead letters', exact: true }).click();
  await expect(page).toHaveURL(/\/dead-letters\?errorCode=HANDLER_ERROR$/);
});

test("new dead letters wait while the pointer is on a group's rows, and come in as it leaves", async ({
  page,
}) => {
  await signIn(page, 'operator');
  await divisionsByZero(page, 700_000, 1);
  await page.goto('/dead-letters/group?to=tools.calculator&errorCode=HANDLER_ERROR');
  const table = page.getByRole('table', { name: 'Messages of the group' });
  const first = table.getByRole('row').nth(1);
  await expect(first).toBeVisible();
  // The pointer first, then the row under it: the traffic's own divisions by zero may come in until then.
  await first.hover();
  const before = await first.getByRole('link').first().getAttribute('href');
  const sent = await mutateByHand(page, 'messages.inject', {
    to: 'tools.calculator',
    payloadXml: '<calculate><a>700001</a><op>div</op><b>0</b></calculate>',
  });
  const id = (sent.data as { messageIds: string[] }).messageIds[0] ?? '';
  const held = page.getByRole('status').filter({ hasText: /newer dead letters? held/ });
  await expect(held).toBeVisible({ timeout: 20_000 });
  // The row under the pointer is still the first, and the new one waits.
  expect(await first.getByRole('link').first().getAttribute('href')).toBe(before);
  await expect(table.getByTitle(id)).toHaveCount(0);
  await page.mouse.move(0, 0);
  await expect(held).toHaveCount(0);
  await expect(table.getByTitle(id)).toBeVisible();
});

test("a group's older page is kept in the address: back from one of its messages returns to it", async ({
  page,
}) => {
  await signIn(page, 'operator');
  // More than a page of one group (50 a page), whatever the traffic has made of it so far.
  await Promise.all([0, 1, 2].map((part) => divisionsByZero(page, 7_000 + 100 * part, part === 2 ? 11 : 20)));
  await page.goto('/dead-letters/group?to=tools.calculator&errorCode=HANDLER_ERROR');
  const table = page.getByRole('table', { name: 'Messages of the group' });
  await expect(table.getByRole('row')).toHaveCount(51);
  // The older page's first message, from the answer that brings it: the group grows at the top as the
  // traffic fails (the newest page moves), the older page is fixed by its cursor.
  const answer = page.waitForResponse(
    (r) => r.url().includes('journal.list') && decodeURIComponent(r.url()).includes('"cursor"'),
  );
  await page.getByRole('button', { name: 'Older' }).click();
  await expect(page).toHaveURL(/[?&]after=/);
  await expect(page.getByRole('button', { name: 'Newer' })).toBeEnabled();
  const results = (await (await answer).json()) as { result?: { data?: { items?: { id: string }[] } } }[];
  const id = results.flatMap((x) => x.result?.data?.items ?? [])[0]?.id ?? '';
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const older = page.url();
  await table.getByTitle(id, { exact: true }).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/messages/${id}$`));
  await page.goBack();
  // The same page of the group, not its first.
  expect(page.url()).toBe(older);
  await expect(table.getByTitle(id, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Newer' }).click();
  await expect(page).not.toHaveURL(/[?&]after=/);
  await expect(page.getByRole('button', { name: 'Newer' })).toBeDisabled();
});

test('retry many shows a dry run (count and sample) before the operator confirms', async ({ page }) => {
  // Filters that match nothing leave nothing to retry or discard: both are offered disabled, saying why.
  await signIn(page, 'operator', '/dead-letters?to=tools.calculator&errorCode=NO_SUCH_CODE');
  await expect(page.getByText('No dead letters match these filters.')).toBeVisible();
  // The header gives what there is besides, not a count of nothing.
  await expect(page.locator('main header')).toContainText(
    /dead letters? in all, none of them matching the filters\./,
  );
  await expect(page.locator('main header')).not.toContainText('0 failed');
  for (const name of ['Retry many…', 'Discard many…']) {
    await expect(page.getByRole('button', { name })).toBeDisabled();
    await expect(page.getByRole('button', { name })).toHaveAttribute(
      'title',
      'No dead letter matches the filters.',
    );
  }
  // Division by zero: a dead letter the traffic makes every few seconds (it fails again when retried).
  await page.goto('/dead-letters?to=tools.calculator&errorCode=HANDLER_ERROR');
  await expect(page.getByRole('button', { name: 'Retry many…' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'change the listener filter' })).toContainText(
    'tools.calculator',
  );
  const group = page.getByRole('region', { name: 'Dead letter groups' }).getByRole('row');
  await expect(group.filter({ hasText: 'HANDLER_ERROR' })).toHaveCount(1, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Retry many…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry dead letters' });
  await expect(dialog).toContainText(/\d+ dead letters? would be queued again/);
  const sample = dialog.getByRole('list', { name: 'Sample' }).getByRole('link');
  await expect(sample.first()).toBeVisible();
  expect(await sample.count()).toBeGreaterThanOrEqual(1);
  expect(await sample.count()).toBeLessThanOrEqual(5);
  await expectAccessible(page);
  const confirm = dialog.getByRole('button', { name: /^Retry \d+ dead letters?$/ });
  const calls = callsOf(page, 'journal.retryMany');
  await confirm.dblclick();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(/^Queued \d+ dead letters? again, each a new attempt/)).toHaveCount(1);
  expect(calls()).toBe(1);
  // Under the list, where all of them are now, live: dividing by zero fails again.
  const tally = page.getByRole('region', { name: 'Just retried' }).getByText(/^Retry many queued/);
  await expect(tally).toContainText(/^Retry many queued \d+: \d+ delivered · [1-9]\d* failed again/, {
    timeout: 30_000,
  });
});

test('retry many warns of what would fail the same way again, by code, before anything is retried', async ({
  page,
}) => {
  // The planner agent reaches outside its peers now and then: a retry cannot help until its peers change.
  await signIn(page, 'operator', '/dead-letters?to=planner');
  const group = page.getByRole('region', { name: 'Dead letter groups' }).getByRole('row');
  await expect(group.filter({ hasText: 'PEER_VIOLATION' })).toHaveCount(1, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Retry many…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry dead letters' });
  const warning = dialog.getByRole('note');
  await expect(warning).toContainText(/(All|\d+) of them PEER_VIOLATION would fail the same way again\./);
  await expect(warning).toContainText('a retry fails alike until its peers change');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
});

test('discard asks first; refused input offers discard but no retry', async ({ page }) => {
  await signIn(page, 'operator', '/dead-letters');
  const rejected = page
    .getByRole('region', { name: 'Dead letter groups' })
    .getByRole('row')
    // Only refused input (a group where some are refused says how many: "3 refused at intake").
    .filter({ has: page.getByText('refused at intake', { exact: true }) })
    .first();
  await expect(rejected).toBeVisible({ timeout: 30_000 });
  await rejected.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/dead-letters\/group\?/);
  await expect(page.getByText(/^Refused at intake.*nothing to retry/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry all…' })).toHaveCount(0);
  const messages = page.getByRole('region', { name: 'Messages' });
  await expect(messages.getByRole('row').nth(1)).toBeVisible();
  await expect(messages.getByRole('button', { name: /^Retry/ })).toHaveCount(0);
  // New refusals arrive on top while the test runs: hold on to one row by its message id.
  const href = await messages.getByRole('row').nth(1).getByRole('link').first().getAttribute('href');
  const id = href?.split('/').at(-1) ?? '';
  const row = messages.getByRole('row').filter({ has: page.getByTitle(id, { exact: true }) });
  await expect(row.getByRole('button', { name: /^Discard/ })).toBeVisible();
  await row.getByRole('button', { name: /^Discard/ }).click();
  const confirm = page.getByRole('alertdialog', { name: /^Discard message/ });
  await expect(confirm).toContainText('removed from the journal for good');
  await expectAccessible(page);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: /^Discard/ }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByText(`Message ${id.slice(0, 8)} discarded.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  // A keyboard stays in the table, on the row that took the discarded one's place (or the last).
  await expect(messages.locator('tr:focus')).toHaveCount(1);

  // Discarded from its own page, opened in a tab of its own (nothing to go back to), a dead letter leaves
  // its page for its group, which shows the rest of it.
  const other = (await messages.getByRole('row').nth(1).getByRole('link').first().getAttribute('href')) ?? '';
  const tab = await page.context().newPage();
  await tab.goto(other);
  await tab.getByRole('button', { name: 'Discard', exact: true }).click();
  await tab
    .getByRole('alertdialog', { name: 'Discard this dead letter?' })
    .getByRole('button', { name: 'Discard' })
    .click();
  await expect(tab.getByText('Dead letter discarded. These are the rest of its group.')).toBeVisible();
  // The same group this test came from.
  await expect(tab).toHaveURL(page.url());
  await expect(tab.getByRole('region', { name: 'Messages' })).not.toContainText(
    other.split('/').at(-1)?.slice(0, 8) ?? '?',
  );
  await tab.close();
});

test('discard all takes a group of refused input after a dry run, and says how many', async ({ page }) => {
  // The traffic refuses a greeting now and then: a group of refused input to greeter.
  await signIn(page, 'operator', '/dead-letters/group?to=greeter&errorCode=SCHEMA_VIOLATION');
  const messages = page.getByRole('region', { name: 'Messages' });
  await expect(messages.getByRole('row').nth(1)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Retry all…' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Discard all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discard dead letters' });
  await expect(dialog).toContainText(/\d+ dead letters? would be removed from the journal for good/);
  const sample = dialog.getByRole('list', { name: 'Sample' }).getByRole('link');
  await expect(sample.first()).toBeVisible();
  const oldest = (await sample.first().getAttribute('href'))?.split('/').at(-1) ?? '';
  await expectAccessible(page);
  await dialog.getByRole('button', { name: /^Discard \d+ dead letters?$/ }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(/^Discarded \d+ dead letters?\.$/)).toBeVisible();
  // Gone for good: its page says so.
  await page.goto(`/messages/${oldest}`);
  await expect(
    page.getByText(`No message ${oldest}: it may have been pruned by retention or discarded.`),
  ).toBeVisible();
});

test('discard all takes a group of input that named no listener, and only it', async ({ page }) => {
  // Malformed XML names no listener: an admin's token sends two straight to the engine.
  await signIn(page, 'admin');
  const created = await mutateByHand(page, 'users.createToken', { name: `no-listener-${Date.now()}` });
  const { token } = created.data as { token: string };
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${E2E.engineUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
      body: '<message><oops',
    });
    expect(res.status).toBe(400);
  }
  await page.goto('/dead-letters/group?rejected=true&errorCode=MALFORMED_XML');
  await expect(page.getByRole('heading', { name: /No listener/ })).toBeVisible();
  const messages = page.getByRole('region', { name: 'Messages' });
  await expect(messages.getByRole('row').nth(2)).toBeVisible();
  await page.getByRole('button', { name: 'Discard all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discard dead letters' });
  await expect(dialog).toContainText('every dead letter that named no listener with MALFORMED_XML');
  await expect(dialog).toContainText(/\d+ dead letters? would be removed/);
  // Every one in the sample is addressed to no one: nothing of another listener's.
  const sample = dialog.getByRole('list', { name: 'Sample' }).getByRole('listitem');
  await expect(sample.first()).toBeVisible();
  for (const item of await sample.all()) await expect(item).toContainText('MALFORMED_XML');
  // Someone else empties the group meanwhile: the open dialog stays, and its confirmation says so.
  const filter = { state: 'FAILED', to: null, errorCode: 'MALFORMED_XML' };
  expect((await mutateByHand(page, 'journal.discardMany', { filter, dryRun: false })).status).toBe(200);
  await expect(page.getByText('None left: they were retried or discarded.')).toBeVisible();
  // Behind the open dialog, hidden from roles.
  await expect(page.getByRole('button', { name: 'Discard all…', includeHidden: true })).toBeDisabled();
  await dialog.getByRole('button', { name: /^Discard \d+ dead letters?$/ }).click();
  await expect(page.getByText('Nothing was discarded: no dead letter matched any more.')).toBeVisible();
  const left = await page.evaluate(async () => {
    const input = { state: 'FAILED', to: null, errorCode: 'MALFORMED_XML' };
    const res = await fetch(`/trpc/journal.list?input=${encodeURIComponent(JSON.stringify(input))}`);
    return ((await res.json()) as { result: { data: { items: unknown[] } } }).result.data.items;
  });
  expect(left).toEqual([]);

  // An address naming a group there never was says so, and where to look instead.
  await page.goto('/dead-letters/group?to=nobody-here&errorCode=HANDLER_ERROR');
  await expect(page.getByText('No dead letters to nobody-here with HANDLER_ERROR.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'See every group' })).toHaveAttribute('href', '/dead-letters');
});

test('a viewer sees dead letters but no retry or discard, and the engine refuses a retry sent by hand', async ({
  page,
}) => {
  await signIn(page, 'viewer', '/dead-letters');
  const groups = page.getByRole('region', { name: 'Dead letter groups' });
  const first = groups.getByRole('row').nth(1);
  await expect(first).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Retry many…' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Discard many…' })).toHaveCount(0);
  const delivery = groups.getByRole('row').filter({ hasNotText: 'refused at intake' }).nth(1);
  await delivery.getByRole('link').first().click();
  await expect(page.getByRole('region', { name: 'Messages' }).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('button', { name: /Retry/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Discard/ })).toHaveCount(0);
  await expectAccessible(page);
  const link = page
    .getByRole('region', { name: 'Messages' })
    .getByRole('row')
    .nth(1)
    .getByRole('link')
    .first();
  const id = (await link.getAttribute('href'))?.split('/').at(-1) ?? '';
  const answer = await mutateByHand(page, 'journal.retry', { messageId: id });
  expect(answer.status).toBe(403);
  expect(answer.engineCode).toBe('FORBIDDEN');
  const many = await mutateByHand(page, 'journal.retryMany', { filter: {}, dryRun: true });
  expect(many.engineCode).toBe('FORBIDDEN');
  const discardMany = await mutateByHand(page, 'journal.discardMany', { filter: {}, dryRun: false });
  expect(discardMany.engineCode).toBe('FORBIDDEN');
});

test('a group mixing refused input and deliveries says how many were refused and retries only the deliveries', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'operator');
  // The stack's own copy of the demo organism (e2e/support/stack.mjs); put back as it was at the end.
  const organism = join(E2E.demo, 'organism.yaml');
  const original = readFileSync(organism, 'utf8');
  const sleeper = original.indexOf('  # Slow on purpose');
  expect(sleeper).toBeGreaterThan(0);
  try {
    // Naps queued behind the sleeper's eight slots when a reload removes it become dead letters with
    // UNKNOWN_ROUTE; what is sent to it afterwards is refused at intake with the same code, in the same group.
    const nap = { to: 'sleeper', payloadXml: '<nap><ms>900</ms></nap>' };
    // 48 at once (batched requests): 40 of them wait their turn for about five seconds.
    await inject(page, nap.to, nap.payloadXml, undefined, 48);
    writeFileSync(organism, original.slice(0, sleeper));
    expect((await mutateByHand(page, 'organism.reload', {})).status).toBe(200);
    expect((await mutateByHand(page, 'messages.inject', nap)).engineCode).toBe('UNKNOWN_ROUTE');

    await page.goto('/dead-letters?to=sleeper&errorCode=UNKNOWN_ROUTE');
    const group = page
      .getByRole('region', { name: 'Dead letter groups' })
      .getByRole('row')
      .filter({ hasText: 'UNKNOWN_ROUTE' });
    await expect(group).toContainText(/\d+ refused at intake/);
    await group.getByRole('link', { name: 'sleeper' }).click();
    await expect(page.getByText(/of them (was|were) refused at intake/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry all…' })).toBeVisible();
    const rows = page.getByRole('region', { name: 'Messages' }).getByRole('row');
    const refused = rows.filter({ hasText: 'refused at intake' }).first();
    await expect(refused.getByRole('button', { name: /^Discard/ })).toBeVisible();
    await expect(refused.getByRole('button', { name: /^Retry/ })).toHaveCount(0);
    // The header row has no "refused" either: the first delivery is the second such row.
    const delivery = rows.filter({ hasNotText: 'refused at intake' }).nth(1);
    await expect(delivery.getByRole('button', { name: /^Retry/ })).toBeVisible();
    await expectAccessible(page);
  } finally {
    writeFileSync(organism, original);
    await mutateByHand(page, 'organism.reload', {});
  }
});

test('retry all in a group says how many it queued and where they all are, live, beside the first few', async ({
  page,
}) => {
  await signIn(page, 'operator');
  // Six dead letters of their own, so that the group holds more than the panel follows.
  await divisionsByZero(page, 900, 6);
  await page.goto('/dead-letters/group?to=tools.calculator&errorCode=HANDLER_ERROR');
  const messages = page.getByRole('region', { name: 'Messages' });
  await expect(messages.getByText('HandlerError: cannot divide 905 by zero')).toBeVisible({
    timeout: 20_000,
  });
  await page.getByRole('button', { name: 'Retry all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry dead letters' });
  await dialog.getByRole('button', { name: /^Retry \d+ dead letters$/ }).click();
  const panel = page.getByRole('region', { name: 'Just retried' });
  await expect(panel.getByRole('listitem')).toHaveCount(5);
  // Every one of them counted, from the event stream: dividing by zero fails again, so in the end none is
  // waiting or running, and those that failed again and those delivered (or discarded since) make them all.
  const tally = panel.getByText(/^Retry all queued/);
  const count = (text: string, what: string) =>
    Number(new RegExp(`([\\d,]+) ${what}`).exec(text)?.[1]?.replaceAll(',', '') ?? 0);
  await expect(async () => {
    const text = (await tally.textContent()) ?? '';
    expect(text).not.toMatch(/waiting|running/);
    const queued = Number(/queued ([\d,]+)/.exec(text)?.[1]?.replaceAll(',', ''));
    expect(count(text, 'failed again')).toBeGreaterThanOrEqual(6);
    expect(count(text, 'failed again') + count(text, 'delivered') + count(text, 'discarded since')).toBe(
      queued,
    );
  }).toPass({ timeout: 30_000 });
  // Dividing by zero fails again: the operator is told wherever the page is scrolled, not only below.
  await expect(
    page.getByText(/^(Retried message \w{8}|\d+ retried messages) failed again.* \(HANDLER_ERROR\)\.$/),
  ).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole('listitem').filter({ hasText: 'FAILED' }).first()).toBeVisible();
});

test("a keyboard tabs through one row's links and buttons, not every row's, and arrows to the next row", async ({
  page,
}) => {
  await signIn(page, 'operator');
  await divisionsByZero(page, 700, 3);
  await page.goto('/dead-letters/group?to=tools.calculator&errorCode=HANDLER_ERROR');
  const messages = page.getByRole('region', { name: 'Messages' });
  const rows = messages.locator('tbody tr[data-index]');
  await expect(rows.nth(2)).toBeVisible({ timeout: 20_000 });
  // The traffic's own divisions by zero join this group every few seconds, above the rows the keyboard is
  // on (the focus stays with its message as it moves down): paused, the calculator makes none meanwhile.
  expect((await mutateByHand(page, 'listeners.pause', { name: 'tools.calculator' })).status).toBe(200);
  try {
    await page.reload();
    await expect(rows.nth(2)).toBeVisible();
    await keyboardThroughRows(page, messages, rows);
  } finally {
    await mutateByHand(page, 'listeners.resume', { name: 'tools.calculator' });
  }
});

async function keyboardThroughRows(page: Page, messages: Locator, rows: Locator): Promise<void> {
  // Only the row in hand's controls are in the tab order.
  const tabbable = messages.locator('tbody :is(a[href], button):not([tabindex="-1"])');
  const inFirst = await rows.nth(0).locator(':is(a[href], button)').count();
  expect(inFirst).toBeGreaterThan(1);
  await expect(tabbable).toHaveCount(inFirst);
  // Down to the second row: its controls take the tab order over.
  await rows.nth(0).focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('Tab');
  const first = rows.nth(1).locator(':is(a[href], button)').first();
  await expect(first).toBeFocused();
  await expect(tabbable).toHaveCount(await rows.nth(1).locator(':is(a[href], button)').count());
  await expect(rows.nth(0).locator('a[href]').first()).toHaveAttribute('tabindex', '-1');
}

test("a retry from a message's own page leaves the keyboard on its heading, not the top of the page", async ({
  page,
}) => {
  await signIn(page, 'operator');
  const id = await killedShortNap(page);
  await page.goto(`/messages/${id}`);
  const heading = page.getByRole('heading', { name: /Message/, level: 1 });
  await expect(heading).toContainText('FAILED');
  await page.getByRole('button', { name: 'Retry', exact: true }).click();
  await expect(heading).toContainText('ACKED', { timeout: 20_000 });
  await expect(heading).toBeFocused();
});
