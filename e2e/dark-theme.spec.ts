import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';

// The other journeys check their pages in the light theme; this one reads every page again in the dark one,
// where contrast is earned separately (CONSOLE.md: both themes keep 4.5:1).
test.use({ colorScheme: 'dark' });

test('every page passes axe in the dark theme', async ({ page }) => {
  // Ten pages, each with axe, on a machine shared with other work: about 20 s a page.
  test.setTimeout(300_000);
  await signIn(page, 'operator');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expectAccessible(page);
  for (const [path, heading] of [
    ['/map', 'Map'],
    ['/listeners', 'Listeners'],
    ['/listeners/orders', 'orders'],
    ['/threads', 'Threads'],
    ['/messages', 'Messages'],
    ['/messages?view=tail', 'Messages'],
    ['/dead-letters', 'Dead letters'],
    ['/extensions', 'Extensions'],
    ['/operations', 'Operations'],
    ['/config', 'Configuration'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, exact: true }).first()).toBeVisible();
    await expectAccessible(page);
  }
});

test('the switch keeps a chosen theme; the user menu gives the theme back to the system', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  const html = page.locator('html');
  await expect(html).toHaveClass(/dark/);
  const menu = page.getByRole('button', { name: /viewer/ });
  const follow = page.getByRole('menuitem', { name: "Follow the system's theme" });
  // Nothing chosen yet: nothing to give back.
  await menu.click();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await expect(follow).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'switch to the light theme' }).click();
  await expect(html).not.toHaveClass(/dark/);
  await page.reload();
  await expect(html).not.toHaveClass(/dark/);

  await menu.click();
  await follow.click();
  await expect(html).toHaveClass(/dark/);
  await expect(page.getByRole('button', { name: 'switch to the light theme' })).toBeVisible();
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await menu.click();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await expect(follow).toHaveCount(0);
});
