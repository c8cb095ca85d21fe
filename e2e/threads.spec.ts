import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { expectAccessible, inject, mutateByHand, signIn } from './support/console.ts';

async function signedIn(browser: Browser, name: 'operator' | 'viewer'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, name);
  return page;
}

test('a failed thread reads as a sequence diagram: every hop opens its XML, the failed one its code', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin');
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: 'Threads', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Threads' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Threads' }).getByRole('row').nth(1)).toBeVisible();
  await expectAccessible(page);

  // The status filter is a chip, kept in the URL.
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  // The fields are a list the arrow keys move through, and typing narrows.
  const fields = page.getByRole('listbox', { name: 'Filter fields' }).getByRole('option');
  const highlighted = page.getByRole('listbox', { name: 'Filter fields' }).locator('[aria-selected="true"]');
  await expect(highlighted).toHaveText(await fields.first().innerText());
  await page.keyboard.press('ArrowDown');
  await expect(highlighted).toHaveText(await fields.nth(1).innerText());
  await page.keyboard.press('End');
  await expect(highlighted).toHaveText(await fields.last().innerText());
  await page.keyboard.press('Home');
  await expect(highlighted).toHaveText(await fields.first().innerText());
  await page.getByRole('option', { name: 'status', exact: true }).click();
  await page
    .getByRole('listbox', { name: 'status choices' })
    .getByRole('option', { name: 'failed', exact: true })
    .click();
  await expect(page).toHaveURL(/[?&]status=failed/);
  await expect(page.getByRole('button', { name: 'change the status filter' })).toContainText('failed');
  const rows = page.getByRole('table', { name: 'Threads' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('failed', { timeout: 30_000 });

  // A row opens with the keyboard: focus it, Enter.
  await rows.nth(1).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { name: /Thread/ })).toContainText('failed');
  // The keyboard goes on from the new page's content, not from the top of the document.
  await expect(page.locator('main')).toBeFocused();
  // The tab says which thread, so several open tell themselves apart.
  const threadId = new URL(page.url()).pathname.split('/').at(-1)!;
  await expect(page).toHaveTitle(`Thread ${threadId.slice(0, 8)} · Organism`);

  const hops = page.getByRole('list', { name: 'Hops' }).getByRole('button');
  await expect(hops.first()).toBeVisible();
  const count = await hops.count();
  expect(count).toBeGreaterThan(0);
  const detail = page.getByTestId('hop-detail');
  for (let i = 0; i < count; i++) {
    await hops.nth(i).click();
    await expect(hops.nth(i)).toHaveAttribute('aria-pressed', 'true');
    await expect(detail.getByRole('heading', { name: `Hop #${i + 1}` })).toBeVisible();
    // Its XML, pretty-printed and highlighted (or, for refused input, as it arrived).
    await expect(detail.getByRole('region', { name: /payload XML|raw input/ })).toContainText(/<\w+/);
    await expect(detail.getByRole('region', { name: 'Transitions' })).toContainText(
      /PENDING|DISPATCHED|ACKED|FAILED|REJECTED/,
    );
  }
  const failed = page
    .getByRole('list', { name: 'Hops' })
    .locator('[data-state="FAILED"], [data-state="REJECTED"]');
  await failed.first().click();
  await expect(detail.getByRole('region', { name: 'Failure' })).toContainText(/[A-Z]+_[A-Z_]+/);
  await expectAccessible(page);

  // Back keeps the list's filter.
  await page.goBack();
  await expect(page).toHaveURL(/[?&]status=failed/);
});

test('the first page follows new threads without a reload', async ({ page }) => {
  await signIn(page, 'admin');
  // Away from where the list will be: a pointer on it holds it still.
  await page.mouse.move(0, 0);
  await page.goto('/threads');
  const table = page.getByRole('table', { name: 'Threads' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Newer and older pages' })).toContainText('· live');
  const thread = await inject(page, 'greeter', '<greeting><name>live list</name></greeting>');
  await expect(table.locator(`a[href="/threads/${thread}"]`)).toBeVisible({ timeout: 15_000 });
});

test('finds a thread by the first characters of its id', async ({ page }) => {
  await signIn(page, 'admin');
  const thread = await inject(page, 'greeter', '<greeting><name>find me</name></greeting>');
  await page.goto('/threads');
  await page.getByLabel('Find a thread by id').fill(thread.slice(0, 13));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/threads/${thread}`));
  await expect(page.getByRole('list', { name: 'Hops' }).getByRole('button').first()).toBeVisible();

  // Its messages as a list: filtered by the thread in the URL, one row a hop, exported alike.
  await expect(page.getByRole('heading', { name: /Thread/ })).toContainText('completed');
  const hops = await page.getByRole('list', { name: 'Hops' }).getByRole('button').count();
  await page.getByRole('link', { name: 'its messages in the list' }).click();
  await expect(page).toHaveURL(new RegExp(`/messages\\?thread=${thread}$`));
  await expect(page.getByRole('button', { name: 'change the thread filter' })).toContainText(thread);
  await expect(page.getByRole('table', { name: 'Messages' }).getByRole('row')).toHaveCount(hops + 1);
  await expect(page.getByRole('link', { name: 'JSON lines' })).toHaveAttribute(
    'href',
    new RegExp(`thread=${thread}`),
  );
});

test("a thread's or a message's address with the first characters of its id opens it, or says what it starts", async ({
  page,
}) => {
  await signIn(page, 'operator');
  const sent = (
    await mutateByHand(page, 'messages.inject', {
      to: 'greeter',
      payloadXml: '<greeting><name>short ids</name></greeting>',
    })
  ).data as { threadId: string; messageIds: string[] };
  const message = sent.messageIds[0]!;
  // As the lists show them, pasted from a chat: the page opens the one it names.
  await page.goto(`/threads/${sent.threadId.slice(0, 8)}`);
  await expect(page).toHaveURL(new RegExp(`/threads/${sent.threadId}$`));
  await expect(page.getByRole('list', { name: 'Hops' }).getByRole('button').first()).toBeVisible();
  await page.goto(`/messages/${message.slice(0, 8)}`);
  await expect(page).toHaveURL(new RegExp(`/messages/${message}$`));
  await expect(page.getByRole('heading', { name: /Message/ })).toBeVisible();
  // A message's start on the thread page leads to its thread; a start no id has is said, with the way back.
  await page.goto(`/threads/${message.slice(0, 8)}`);
  await expect(page.getByText(`No thread id starts with “${message.slice(0, 8)}”.`)).toBeVisible();
  await page.getByRole('link', { name: sent.threadId.slice(0, 8) }).click();
  await expect(page).toHaveURL(new RegExp(`/threads/${sent.threadId}$`));
  await page.goto('/messages/0000-ffff');
  await expect(page.getByText('No message id starts with “0000-ffff”.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'All messages' })).toBeVisible();
});

test('a long thread shows its latest 500 hops, and earlier ones 500 at a time with the hop in view kept', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'operator');
  // 300 shouts in one thread, each answered to the console: 600 hops.
  const shout = '<shout><text>once more</text></shout>';
  const thread = await inject(page, 'shouter', shout);
  await inject(page, 'shouter', shout, thread, 299);
  await page.goto(`/threads/${thread}`);
  const summary = page.getByRole('main').locator('header p').first();
  await expect(summary).toContainText('600 hops (the latest 500 shown)', { timeout: 30_000 });
  const diagram = page.getByTestId('sequence-diagram');
  await expect(diagram).toContainText('100 earlier hops not shown');
  // Numbered in the whole thread: the first shown is the 101st, and the page opens on it.
  const hop = (n: number) => diagram.getByRole('button', { name: new RegExp(`^hop ${n}: `) });
  await expect(hop(101)).toHaveAttribute('aria-pressed', 'true');
  await expect(hop(101)).toBeInViewport();
  // Only the hops in view are drawn; the keyboard reaches the last all the same.
  expect(await diagram.getByRole('listitem').count()).toBeLessThan(60);
  await hop(101).focus();
  await page.keyboard.press('End');
  await expect(hop(600)).toBeFocused();
  await expect(hop(600)).toHaveAttribute('aria-pressed', 'true');
  await expect(hop(600)).toBeInViewport();
  await page.keyboard.press('Home');
  await expect(hop(101)).toBeFocused();

  await diagram.getByRole('button', { name: 'Show 100 earlier' }).click();
  await expect(page).toHaveURL(/[?&]hops=1000/);
  await expect(summary).toContainText('600 hops');
  await expect(summary).not.toContainText('shown');
  await expect(diagram).not.toContainText('earlier hops not shown');
  // The hop that was first stays where it was, the earlier ones above it; the keyboard goes on from it.
  await expect(hop(101)).toBeInViewport();
  await expect(hop(101)).toBeFocused();
  await expect(hop(1)).not.toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect(hop(100)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(hop(1)).toBeFocused();
  await expect(hop(1)).toBeInViewport();
  // Back and forth keep what was loaded: the address holds it.
  await page.reload();
  await expect(summary).toContainText('600 hops');
  await expect(summary).not.toContainText('shown');
  await expectAccessible(page);
});

test('an operator kills a running thread; a viewer is offered no Kill', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const viewer = await signedIn(browser, 'viewer');
  await signIn(page, 'operator');
  // 200 naps under the sleeper's 1 s timeout, run 8 at a time: the thread would run for 22 s, well past
  // the Kill (the page's accessibility check at the end takes longer the more hops it shows).
  const nap = '<nap><ms>900</ms></nap>';
  const thread = await inject(page, 'sleeper', nap);
  await inject(page, 'sleeper', nap, thread, 199);
  await page.goto(`/threads/${thread}`);
  const heading = page.getByRole('heading', { name: /Thread/ });
  await expect(heading).toContainText('active');

  await viewer.goto(`/threads/${thread}`);
  await expect(viewer.getByRole('heading', { name: /Thread/ })).toContainText('active');
  await expect(viewer.getByRole('list', { name: 'Hops' }).getByRole('button').first()).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Kill' })).toHaveCount(0);

  // A hop still waiting, open beside the diagram: it says KILLED as soon as the diagram does.
  // The last hop (End: the diagram draws only the hops in view), and the naps at the top are done by now.
  const hops = page.getByRole('list', { name: 'Hops' });
  await hops.getByRole('button').first().focus();
  await page.keyboard.press('End');
  await expect(hops.getByRole('button', { name: /^hop 200: / })).toBeFocused();
  const detail = page.getByTestId('hop-detail');
  await expect(detail).toContainText('PENDING');
  await page.getByRole('button', { name: 'Kill' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Kill this thread?');
  await page.getByRole('button', { name: 'Kill thread' }).click();
  await expect(page.getByText(/Thread killed/)).toBeVisible();
  await expect(detail.getByRole('region', { name: 'Failure' })).toContainText('KILLED', { timeout: 5_000 });
  // Live: the killed deliveries arrive through the event stream, no reload.
  await expect(heading).toContainText('failed');
  await expect(page.getByRole('button', { name: 'Kill' })).toHaveCount(0);
  // Another hop that was still queued: the next-to-last (the first failed ones can be naps that ran when
  // the Kill came, and on a loaded machine overran the sleeper's timeout: HANDLER_TIMEOUT, not retried).
  const failed = hops.locator('[data-state="FAILED"]');
  await failed.nth((await failed.count()) - 2).click();
  await expect(detail.getByRole('region', { name: 'Failure' })).toContainText('KILLED');
  await expectAccessible(page);
  // Its own context, which the test's end does not close: left open, its live page ran on through the
  // specs after this one.
  await viewer.context().close();
});
