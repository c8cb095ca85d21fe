import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { callsOf, expectAccessible, mutateByHand, signIn } from './support/console.ts';

/** Replaces the editor's whole text, as an author pasting would. */
async function write(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

test('an operator composes an invalid message, sees the problem at its line, fixes it, sends it and follows its thread', async ({
  page,
}) => {
  await signIn(page, 'operator');
  await page.getByRole('link', { name: 'Compose' }).click();
  await expect(page.getByRole('heading', { name: 'Compose' })).toBeVisible();
  await page.getByLabel('Listener').selectOption('greeter');
  await expect(page).toHaveURL(/[?&]to=greeter/);
  const editor = page.getByRole('region', { name: 'Payload' });
  const status = page.getByTestId('check-status');
  // It starts from the contract's example, which is valid.
  await expect(editor).toContainText('<greeting');
  await expect(status).toContainText('Valid against the contract of greeter');
  await expectAccessible(page);

  // An element the contract does not allow, on line 3.
  await write(page, editor, '<greeting>\n  <name>e2e composer</name>\n  <nom>no</nom>\n</greeting>');
  await expect(status).toContainText('1 problem (SCHEMA_VIOLATION)');
  await expect(status).toContainText('line 3');
  await expect(status).toContainText('nom');
  const send = page.getByRole('button', { name: 'Send', exact: true });
  await expect(send).toBeDisabled();
  // Underlined where it was typed: the third line holds the mark.
  const lines = editor.locator('.cm-line');
  await expect(lines.nth(2).locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(lines.nth(1).locator('.cm-lintRange-error')).toHaveCount(0);
  // On one line, the element the engine named is underlined, not the whole payload.
  await write(page, editor, '<greeting><name>e2e composer</name><nom>no</nom></greeting>');
  await expect(status).toContainText('line 1');
  await expect(editor.locator('.cm-lintRange-error')).toHaveText('<nom>no</nom>');
  await write(page, editor, '<greeting>\n  <name>e2e composer</name>\n  <nom>no</nom>\n</greeting>');
  await expect(status).toContainText('line 3');
  // The listed problem's line takes the cursor there.
  await status.getByRole('button', { name: /^go to line 3/ }).click();
  await expect(editor.locator('.cm-content')).toBeFocused();
  await expect(editor.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText('3');

  // Not even well-formed: the parser's line.
  await write(page, editor, '<greeting>\n  <name>e2e composer</nam>\n</greeting>');
  await expect(status).toContainText('MALFORMED_XML');
  await expect(status).toContainText('line 2');

  await write(page, editor, '<greeting>\n  <name>e2e composer</name>\n</greeting>');
  await expect(status).toContainText('Valid against the contract of greeter');
  await expect(send).toBeEnabled();
  // A double-click sends one message.
  const calls = callsOf(page, 'messages.inject');
  await send.dblclick();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);
  expect(calls()).toBe(1);
  const hops = page.getByRole('list', { name: 'Hops' });
  await expect(hops).toContainText('greeting', { timeout: 20_000 });
  await hops.getByRole('button').first().click();
  await expect(page.getByTestId('hop-detail')).toContainText('e2e composer');
});

test('an address naming no listener says so, and shows no other one chosen', async ({ page }) => {
  await signIn(page, 'operator', '/compose?to=calculator');
  const said = page.getByText('No listener you may send to is named “calculator”: choose one above.');
  await expect(said).toBeVisible();
  const listener = page.getByLabel('Listener');
  await expect(listener).toHaveValue('');
  await listener.selectOption('greeter');
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await expect(said).toHaveCount(0);
});

test('a payload typed key by key is kept as typed, its close tags written once', async ({ page }) => {
  await signIn(page, 'operator', '/compose?to=greeter');
  const editor = page.getByRole('region', { name: 'Payload' });
  const status = page.getByTestId('check-status');
  await expect(editor).toContainText('<greeting');
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type('<greeting>');
  await page.keyboard.press('Enter');
  await page.keyboard.type('<name>typed by hand</name>');
  await page.keyboard.press('Enter');
  await page.keyboard.type('</');
  // Offered, not written: the completion names the element still open.
  await expect(page.getByRole('listbox')).toContainText('greeting');
  await page.keyboard.type('greeting>');
  await page.keyboard.press('Escape');
  await expect(status).toContainText('Valid against the contract of greeter');
  await expect(editor.locator('.cm-content')).toHaveText(
    ['<greeting>', '  <name>typed by hand</name>', '</greeting>'].join(''),
  );
  // Tab indents; the line under the editor says how a keyboard leaves it, and that works.
  const content = editor.locator('.cm-content');
  await expect(content).toHaveAccessibleDescription('Tab indents; Esc then Tab leaves the editor.');
  await content.click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(content).not.toBeFocused();
});

test("the composer holds back a payload the listener's filter refuses, and says why, before anything is sent", async ({
  page,
}) => {
  // big-orders takes only orders with a line of more than 20 items; its contract's example has 1.
  await signIn(page, 'operator', '/compose?to=big-orders');
  const editor = page.getByRole('region', { name: 'Payload' });
  const status = page.getByTestId('check-status');
  await expect(editor).toContainText('<order');
  await expect(status).toContainText('1 problem (FILTER_REJECTED)');
  await expect(status).toContainText(
    'listener "big-orders" takes only payloads matching /order[line/quantity > 20]; this one does not',
  );
  await expect(status).not.toContainText('Valid');
  const send = page.getByRole('button', { name: 'Send', exact: true });
  await expect(send).toBeDisabled();
  const big = (await editor.locator('.cm-content').innerText()).replace(
    /<quantity>\d+<\/quantity>/,
    '<quantity>25</quantity>',
  );
  await write(page, editor, big);
  await expect(status).toContainText('Valid against the contract of big-orders');
  await expect(send).toBeEnabled();
});

test('a message is sent again edited from its page, and the new one is delivered', async ({ page }) => {
  await signIn(page, 'operator');
  const sent = await mutateByHand(page, 'messages.inject', {
    to: 'greeter',
    payloadXml: '<greeting><name>first version</name></greeting>',
  });
  expect(sent.status).toBe(200);
  const { messageIds } = sent.data as { messageIds: string[] };
  await page.goto(`/messages/${messageIds[0] ?? ''}`);
  await page.getByRole('link', { name: 'Edit and send' }).click();
  await expect(page).toHaveURL(/\/compose\?to=greeter&source=/);
  const editor = page.getByRole('region', { name: 'Payload' });
  await expect(editor).toContainText('first version');
  await expect(page.getByTestId('check-status')).toContainText('Valid');
  await write(page, editor, '<greeting>\n  <name>second version</name>\n</greeting>');
  await expect(page.getByTestId('check-status')).toContainText('Valid');
  // Another listener picked: the edited payload stays, still linked to the message it came from.
  await page.getByLabel('Listener').selectOption('shouter');
  await expect(page).toHaveURL(/\/compose\?to=shouter&source=/);
  await expect(editor).toContainText('second version');
  await expect(page.getByText(/^Starting from message .* \(sent to greeter\)/)).toBeVisible();
  await page.getByLabel('Listener').selectOption('greeter');
  await expect(editor).toContainText('second version');
  await expect(page.getByTestId('check-status')).toContainText('Valid');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);
  const hops = page.getByRole('list', { name: 'Hops' });
  await expect(hops.locator('[data-state="ACKED"]').first()).toBeVisible({ timeout: 20_000 });
  await hops.getByRole('button').first().click();
  await expect(page.getByTestId('hop-detail')).toContainText('second version');
});

test('a viewer is offered no composer, no send again, and the engine refuses a check sent by hand', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  await expect(page.getByRole('link', { name: 'Compose' })).toHaveCount(0);
  await page.goto('/compose');
  await expect(page.getByText('Sending messages is for operators')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0);
  const byHand = await mutateByHand(page, 'messages.check', { to: 'greeter', payloadXml: '<greeting/>' });
  expect(byHand.status).toBe(403);
  await page.goto('/messages?state=ACKED&to=greeter');
  // The list is live: the pointer rests on it first, as a hand does, so that it holds still for the click
  // (a message arriving between the press and the release moved the rows under it, and the click was lost).
  const list = page.getByRole('table', { name: 'Messages' });
  await list.hover();
  await expect(page.getByRole('navigation', { name: 'Newer and older pages' })).toContainText(
    'held while the pointer is on the list',
  );
  await list.getByRole('row').nth(1).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /Message/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send again' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit and send' })).toHaveCount(0);
});

test('a message over the engine’s body limit is refused as too large through the console, not as an engine away', async ({
  page,
}) => {
  await signIn(page, 'operator');
  // 9 MiB, over server.maxBodyBytes (4 MiB): the console streams it on, and the engine reads it through
  // before its 413 so that the console's fetch gets the answer instead of a broken pipe.
  expect(await injectOfSize(page, 9)).toEqual({ status: 413, engineCode: 'PAYLOAD_TOO_LARGE' });
  // 17 MiB, more than the engine reads through: the console refuses it itself, in the engine's words.
  expect(await injectOfSize(page, 17)).toEqual({ status: 413, engineCode: 'PAYLOAD_TOO_LARGE' });
});

/**
 * `messages.inject` by hand, as mutateByHand, of a greeting whose name is `mib` MiB, made in the page:
 * handing the browser a string that large from the spec took seconds of each run.
 */
function injectOfSize(page: Page, mib: number): Promise<{ status: number; engineCode: string | undefined }> {
  return page.evaluate(async (mib) => {
    const res = await fetch('/trpc/messages.inject', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        to: 'greeter',
        payloadXml: `<greeting><name>${'a'.repeat(mib * 1024 * 1024)}</name></greeting>`,
      }),
    });
    const body = (await res.json()) as { error?: { data?: { engineCode?: string } } };
    return { status: res.status, engineCode: body.error?.data?.engineCode };
  }, mib);
}

test('what was typed is kept when another listener is picked and back, and asked about before it is lost', async ({
  page,
}) => {
  await signIn(page, 'operator', '/compose?to=greeter');
  const editor = page.getByRole('region', { name: 'Payload' });
  await expect(editor).toContainText('<greeting');
  await write(page, editor, '<greeting>\n  <name>kept for later</name>\n</greeting>');
  const listener = page.getByLabel('Listener');
  await listener.selectOption('shouter');
  await expect(editor).toContainText('<shout');
  await listener.selectOption('greeter');
  await expect(editor).toContainText('kept for later');

  // Leaving by a link asks first, in the console's dialog; staying (its default) keeps the text.
  const leave = page.getByRole('alertdialog', { name: 'Leave the composer?' });
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Messages' }).click();
  await expect(leave).toContainText('The message you typed is not sent, and will be lost.');
  await expect(leave.getByRole('button', { name: 'Stay' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(leave).toHaveCount(0);
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await expect(editor).toContainText('kept for later');
  // So does a jump from the command palette.
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('calc');
  await expect(palette.getByRole('option', { name: 'tools.calculator listener' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await expect(editor).toContainText('kept for later');
  // Leaving goes where the operator was going, by a link or by the browser's Forward (taken again
  // once confirmed), and the text is gone as the dialog said.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Threads' }).click();
  await leave.getByRole('button', { name: 'Leave without sending' }).click();
  await expect(page).toHaveURL(/\/threads$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await expect(editor).not.toContainText('kept for later');
  await write(page, editor, '<greeting>\n  <name>kept for later</name>\n</greeting>');
  await page.goForward({ waitUntil: 'commit', timeout: 5_000 }).catch(() => null);
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await page.goForward({ waitUntil: 'commit', timeout: 5_000 }).catch(() => null);
  await leave.getByRole('button', { name: 'Leave without sending' }).click();
  await expect(page).toHaveURL(/\/threads$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/compose\?to=greeter/);
  await expect(editor).toContainText('<greeting');
  await write(page, editor, '<greeting>\n  <name>kept for later</name>\n</greeting>');

  // The example again replaces the text only once confirmed.
  await page.getByRole('button', { name: 'Start from the example' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Start from the example?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(editor).toContainText('kept for later');
  await page.getByRole('button', { name: 'Start from the example' }).click();
  await confirm.getByRole('button', { name: 'Start from the example' }).click();
  await expect(editor).not.toContainText('kept for later');
  await expect(editor).toContainText('<greeting');
  // Nothing typed now: links leave without a question.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Messages' }).click();
  await expect(page).toHaveURL(/\/messages/);
});
