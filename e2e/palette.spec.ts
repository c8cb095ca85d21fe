import { expect, test } from '@playwright/test';
import { expectAccessible, mutateByHand, signIn, signInWithForm } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

test('Ctrl-K jumps to a listener by name', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.type('calc');
  await expect(palette.getByRole('option', { name: 'tools.calculator listener' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page).toHaveURL(/\/listeners\/tools\.calculator$/);
});

test('a listener found by name offers where to look next for it', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('calc');
  const next = palette.getByRole('group', { name: 'For tools.calculator' });
  await expect(next.getByRole('option', { name: /Failed messages to tools\.calculator/ })).toBeVisible();
  await expect(next.getByRole('option', { name: /Send a message/ })).toHaveCount(0);
  await expect(next.getByRole('option', { name: /Pause/ })).toHaveCount(0);
  await next.getByRole('option', { name: /Failed messages to tools\.calculator/ }).click();
  await expect(page).toHaveURL(/\/messages\?to=tools\.calculator&state=FAILED$/);
  await expect(page.getByRole('button', { name: 'change the to filter' })).toContainText('tools.calculator');
});

test('an operator may also send a message to the listener the palette found', async ({ page }) => {
  await signIn(page, 'operator');
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('tools.calculator');
  await palette.getByRole('option', { name: /Send a message to tools\.calculator/ }).click();
  await expect(page).toHaveURL(/\/compose\?to=tools\.calculator$/);
});

test('the palette switches the theme, and an operator pauses and resumes the listener it found', async ({
  page,
}) => {
  await signIn(page, 'operator');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const dark = async () => /\bdark\b/.test((await page.locator('html').getAttribute('class')) ?? '');
  const was = await dark();
  // From a field: the keyboard goes back to it once the action ran.
  await page.goto('/listeners');
  const filter = page.getByRole('searchbox', { name: 'Filter by name' });
  await filter.focus();
  await page.keyboard.press('Control+K');
  await page.keyboard.type('theme');
  const actions = palette.getByRole('group', { name: 'Actions' });
  await expect(actions.getByRole('option', { name: /Follow the system/ })).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  expect(await dark()).toBe(!was);
  await expect(filter).toBeFocused();
  // Ctrl-K pressed again as an action closes it (Radix gives the keyboard back a task later): the
  // keyboard still goes back to the field once the palette closes again.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('theme');
  await expect(actions.getByRole('option', { name: /Switch to the/ })).toBeVisible();
  // The option's click closes the palette (React draws that in a microtask), and Ctrl-K opens it again
  // before Radix's task: the keydown finds the palette gone and the keyboard on the page's body.
  const gone = await page.evaluate(`(async () => {
    [...document.querySelectorAll('[cmdk-item]')].find((e) => /Switch to the/.test(e.textContent))?.click();
    await null;
    const gone = document.querySelector('[cmdk-root]') === null && document.activeElement === document.body;
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));
    return gone;
  })()`);
  expect(gone).toBe(true);
  await expect(palette).toBeVisible();
  expect(await dark()).toBe(was);
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(filter).toBeFocused();
  // Chosen, it can be given back to the system.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('theme');
  await actions.getByRole('option', { name: /Follow the system's theme/ }).click();
  expect(await dark()).toBe(was);

  try {
    await page.keyboard.press('Control+K');
    await page.keyboard.type('shouter');
    const forShouter = palette.getByRole('group', { name: 'For shouter' });
    await forShouter.getByRole('option', { name: /Pause shouter/ }).click();
    await expect(page.getByText('shouter paused: its messages wait PENDING')).toBeVisible();
    await expect(filter).toBeFocused();
    // The palette then offers to resume it.
    await page.keyboard.press('Control+K');
    await page.keyboard.type('shouter');
    await forShouter.getByRole('option', { name: /Resume shouter/ }).click();
    await expect(page.getByText(/^shouter resumed/)).toBeVisible();
  } finally {
    // Paused, it would hold the demo's traffic for the specs after this one.
    await mutateByHand(page, 'listeners.resume', { name: 'shouter' });
  }
});

test('the palette signs out', async ({ browser }) => {
  // A context of its own: signing out here must not end the session other tests share.
  const context = await browser.newContext({ baseURL: E2E.consoleUrl });
  try {
    const page = await context.newPage();
    await signInWithForm(page, 'viewer');
    await page.keyboard.press('Control+K');
    await page.keyboard.type('log out');
    await page.getByRole('option', { name: /Sign out/ }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/threads');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fthreads/);
  } finally {
    await context.close();
  }
});

test('the search button opens the palette, which finds a message by its id or the start of it', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  // An id pasted from anywhere: the newest failure's, read as a script would.
  const id = await page.evaluate(async () => {
    const input = encodeURIComponent(JSON.stringify({ state: 'FAILED', limit: 1 }));
    const res = await fetch(`/trpc/journal.list?input=${input}`);
    const body = (await res.json()) as { result: { data: { items: { id: string }[] } } };
    return body.result.data.items[0]?.id ?? '';
  });
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await page.getByRole('button', { name: /Search…/ }).click();
  await expect(palette).toBeVisible();
  // The start of an id finds it too (from 4 characters).
  await page.getByRole('combobox').fill(id.slice(0, 8));
  await expect(palette.getByRole('option', { name: new RegExp(id) })).toBeVisible();
  await page.getByRole('combobox').fill(id);
  await expect(palette.getByRole('option', { name: new RegExp(id) })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/messages/${id}$`));
  await expect(page.getByRole('heading', { name: /Message/ })).toContainText(id);
  // The keyboard is in the page it jumped to, not back on the top bar's button.
  await expect(page.locator('main')).toBeFocused();
});

test('the palette says when nothing matches, and Escape closes it', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('no such thing here');
  await expect(palette).toContainText('Nothing matches');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await page.keyboard.press('Control+K');
  await page.keyboard.type('dead');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/dead-letters$/);
});

test('the keyboard skips to the content; the sidebar collapses to icons and stays so', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  const before = page.url();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  // Without a #content in the address (or a step in the history).
  expect(page.url()).toBe(before);
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await nav.getByRole('button', { name: 'collapse the sidebar' }).click();
  await expect(nav.getByRole('link', { name: /^Overview/ })).toBeVisible();
  await expect(nav.getByText('Overview')).toHaveClass(/sr-only/);
  await page.reload();
  await expect(nav.getByRole('button', { name: 'expand the sidebar' })).toBeVisible();
  await expect(nav.getByRole('link', { name: /^Dead letters/ })).toBeVisible();
  await nav.getByRole('button', { name: 'expand the sidebar' }).click();
  await expect(nav.getByText('Overview')).not.toHaveClass(/sr-only/);
});
