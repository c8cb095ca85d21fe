import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';

test('the listeners table is live and filtered through the URL', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Listeners' }).click();
  await expect(page).toHaveURL(/\/listeners$/);
  const table = page.getByRole('region', { name: 'Listeners' }).getByRole('table');
  for (const name of ['greeter', 'shouter', 'tools.calculator', 'orders', 'planner', 'sleeper'])
    await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
  // System listeners are apart: shown only when asked for.
  await expect(table.getByRole('link', { name: 'system.boot' })).toHaveCount(0);
  const received = table.getByRole('row').filter({ hasText: 'greeter' }).getByRole('cell').nth(3);
  const count = async () => Number((await received.innerText()).replace(/,/g, ''));
  const first = await count();
  await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(first);
  await expectAccessible(page);

  await page.getByRole('searchbox', { name: 'Filter by name' }).fill('calc');
  await expect(page).toHaveURL(/[?&]q=calc/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('link', { name: 'tools.calculator' })).toBeVisible();

  // Reloading keeps the view; a filter that matches nothing says so and offers to clear it.
  await page.goto('/listeners?q=nobody&system=true');
  await expect(page.getByText('No listeners match these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear the filters' }).click();
  await expect(page).toHaveURL(/\/listeners\?system=true$/);
  await expect(table.getByRole('link', { name: 'system.boot' })).toBeVisible();
  // The count says what is listed: the organism's own and the system's.
  const summary = page.getByText(/^\d+ listeners and \d+ system/);
  await expect(summary).toBeVisible();
  const [, own, system] = /^(\d+) listeners and (\d+) system/.exec((await summary.textContent()) ?? '') ?? [];
  expect(Number(own) + Number(system)).toBe((await table.getByRole('row').count()) - 1);

  await page.getByRole('button', { name: 'received' }).click();
  await expect(page).toHaveURL(/sort=received/);
  await expect(table.getByRole('columnheader', { name: 'received' })).toHaveAttribute('aria-sort', /ending/);

  // A row opens its listener from the keyboard too: the table is one tab stop, arrows move, Enter opens.
  await table.getByRole('row').nth(1).focus();
  await page.keyboard.press('End');
  const last = table.getByRole('row').last();
  await expect(last).toBeFocused();
  const name = (await last.getByRole('link').first().textContent()) ?? '';
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/listeners/${name.replace(/\./g, '\\.')}$`));
});

test('a listener that fails now and then shows error steadily, and its page says when it last failed', async ({
  page,
}) => {
  await signIn(page, 'viewer', '/listeners?q=calc');
  const table = page.getByRole('region', { name: 'Listeners' }).getByRole('table');
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const state = table
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'tools.calculator', exact: true }) })
    .getByRole('cell')
    .nth(headers.findIndex((h) => h.trim() === 'state'));
  await expect(state).toHaveText('error', { timeout: 15_000 });
  // The demo's traffic sends the calculator a sum and a division by zero every 2.4 s: its last delivery
  // goes from failed to delivered and back, and the engine's state with it. What the page shows does not
  // flip: error from a failure until 15 s pass without another.
  const seen: string[] = [];
  for (let i = 0; i < 24; i++) {
    seen.push((await state.innerText()).trim());
    await page.waitForTimeout(250);
  }
  expect(new Set(seen)).toEqual(new Set(['error']));

  await table.getByRole('link', { name: 'tools.calculator', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'tools.calculator', level: 1 })).toBeVisible();
  await expect(page.getByText(/failed attempts?, the last \d+ s ago/)).toBeVisible();
  // Its last failure reads as failures do everywhere: the code as a badge, the engine's words, when,
  // what to try.
  const last = page.getByRole('region', { name: 'Last failure' });
  await expect(last.getByText('HANDLER_ERROR', { exact: true })).toBeVisible();
  await expect(last).toContainText('the handler failed');
  await expect(last).toContainText('The handler threw. Read the detail');
  await expect(last).toContainText(/\d+ s ago/);
  await expect(last).not.toContainText('HANDLER_ERROR:');
});

test("reads a listener's contract: XSD files, element tree with occurrence, example, recent messages", async ({
  page,
}) => {
  await signIn(page, 'viewer', '/listeners');
  await page.getByRole('link', { name: 'orders', exact: true }).click();
  await expect(page).toHaveURL(/\/listeners\/orders$/);
  await expect(page.getByRole('heading', { name: 'orders', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Limits' })).toContainText('30 s');
  await expect(page.getByRole('region', { name: 'Retry policy' })).toContainText('up to 3');

  // The XSD as written, one tab per file (the main file, then what it includes and imports).
  const xsd = page.getByRole('region', { name: 'Contract (XSD)' });
  await expect(xsd.getByRole('tab')).toHaveText([
    'schemas/orders.xsd',
    'schemas/common/money.xsd',
    'schemas/common/address.xsd',
  ]);
  await expect(xsd.getByRole('region', { name: 'schemas/orders.xsd (XSD)' })).toContainText(
    'targetNamespace="urn:organism:demo:orders"',
  );
  // Its last line is the schema's end, not an empty one for the file's last line break.
  const ordersXsd = xsd.getByRole('region', { name: 'schemas/orders.xsd (XSD)' });
  await ordersXsd.locator('.cm-content').focus();
  await page.keyboard.press('Control+End');
  await expect(ordersXsd.locator('.cm-line').last()).toHaveText('</xs:schema>');
  await xsd.getByRole('tab', { name: 'schemas/common/money.xsd' }).click();
  await expect(xsd.getByRole('region', { name: 'schemas/common/money.xsd (XSD)' })).toContainText(
    'name="Money"',
  );
  // Scrolled under the sticky top bar, a code view's Copy button passes under it too, not over it.
  const money = xsd.getByRole('region', { name: 'schemas/common/money.xsd (XSD)' });
  await money.evaluate((el) =>
    (el as unknown as { scrollIntoView(o: { block: string }): void }).scrollIntoView({ block: 'start' }),
  );
  const copyAt = (await money.getByRole('button', { name: 'Copy' }).boundingBox())!;
  expect(copyAt.y).toBeLessThan(40);
  const onTop = await page.evaluate(
    ({ x, y }) => {
      type El = { closest(s: string): unknown };
      const doc = (
        globalThis as unknown as { document: { elementFromPoint(x: number, y: number): El | null } }
      ).document;
      return doc.elementFromPoint(x, y)?.closest('header') ? 'top bar' : 'something else';
    },
    { x: copyAt.x + copyAt.width / 2, y: copyAt.y + copyAt.height / 2 },
  );
  expect(onTop).toBe('top bar');

  // The element tree: `line` may occur 1 to 100 times, `id` is a required attribute of `order`.
  const tree = page.getByRole('tree', { name: "Elements of orders's contract" });
  const line = tree.getByRole('treeitem').filter({ hasText: /^line/ });
  await expect(line).toContainText('Line');
  await expect(line).toContainText('1..100');
  await expect(tree.getByRole('treeitem').filter({ hasText: /^@id/ })).toContainText('xs:token');
  // What a value is held to, from its type's facets (Money in the included money.xsd).
  const price = tree.getByRole('treeitem').filter({ hasText: /^price/ });
  await expect(price).toContainText('Money');
  await expect(price).toContainText('at least 0');
  await expect(price).toContainText('at most 2 decimals');
  // Keyboard: the tree is one tab stop; Left closes `order`, Right opens it again.
  const order = tree.getByRole('treeitem').first();
  await order.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(order).toHaveAttribute('aria-expanded', 'false');
  await expect(line).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(order).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(tree.getByRole('treeitem').filter({ hasText: /^@id/ })).toBeFocused();

  // A generated example instance, copyable.
  const example = page.getByRole('region', { name: 'Example instance' });
  await expect(example.getByRole('region', { name: 'example <order>' })).toContainText('<customer>');
  await expect(example.getByRole('button', { name: 'Copy' })).toBeVisible();

  // Its recent messages, each a link, and the way to all of them.
  const recent = page.getByRole('region', { name: 'Recent messages' });
  await expect(recent.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first()).toBeVisible();
  // Its headers in lowercase, as every other table's.
  await expect(recent.getByRole('columnheader')).toHaveText([
    'message',
    'state',
    'from',
    'root',
    'attempts',
    'error',
    'updated',
  ]);
  await expect(recent.getByRole('link', { name: 'All messages to orders' })).toHaveAttribute(
    'href',
    '/messages?to=orders',
  );
  await expectAccessible(page);

  // A row opens its message, from the keyboard as in every other table: one tab stop, arrows move.
  // Read from the row in focus: a message arriving meanwhile moves the rows, and the focus with its row.
  const focused = recent.locator('tr:focus').getByRole('link').first();
  await recent
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .first()
    .focus();
  const first = (await focused.textContent()) ?? '';
  await page.keyboard.press('ArrowDown');
  await expect(focused).not.toHaveText(first);
  const id = (await focused.textContent()) ?? '';
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/messages/${id}[0-9a-f-]{28}$`));
  await expect(page.getByText('orders').first()).toBeVisible();
});

test("an agent's page links its peers", async ({ page }) => {
  await signIn(page, 'viewer', '/listeners/planner');
  const peers = page.getByRole('region', { name: 'Peers' });
  await expect(peers).toContainText('may forward only to');
  await peers.getByRole('link', { name: 'tools.calculator' }).click();
  await expect(page).toHaveURL(/\/listeners\/tools\.calculator$/);
  await expect(page.getByRole('heading', { name: 'tools.calculator', level: 1 })).toBeVisible();
  await expectAccessible(page);
});

test("a listener's page shows its name at once, while its facts are still on their way", async ({ page }) => {
  await signIn(page, 'viewer');
  // The engine's answer about the listeners held back: the page has only its address to go by.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/trpc\/[^?]*listeners\.list/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/listeners/greeter');
  await expect(page.getByRole('heading', { name: 'greeter', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Limits' })).toHaveCount(0);
  release();
  await expect(page.getByRole('region', { name: 'Limits' })).toBeVisible();
});
