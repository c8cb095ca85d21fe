import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { expectAccessible, mutateByHand, signIn } from './support/console.ts';

// The copy of the demo the stack runs (e2e/support/stack.mjs).
const DEMO = fileURLToPath(new URL('./.run/demo', import.meta.url));

test('the demo’s failure notifier shows its handler and counts, and writes each dead letter', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  await page.getByRole('link', { name: 'Extensions' }).click();
  await expect(page.getByRole('heading', { name: 'Extensions', level: 1 })).toBeVisible();
  const panel = page.getByRole('region', { name: /failure-notifier/ });
  await expect(panel).toContainText('extensions/failure-notifier.ts');
  const row = panel.getByRole('table', { name: 'Handlers of failure-notifier' }).getByRole('row').nth(1);
  await expect(row).toContainText('message.failed');
  // The demo's traffic divides by zero now and then: each such dead letter is one succeeded run.
  await expect
    .poll(async () => Number((await row.getByRole('cell').nth(1).innerText()).replace(/\D/g, '')), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  const lines = readFileSync(join(DEMO, '.organism/failures.jsonl'), 'utf8').trim().split('\n');
  expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ listener: 'tools.calculator', code: 'HANDLER_ERROR' });
  await expectAccessible(page);
});

test('an extension that does not load says why, and the rest runs', async ({ page }) => {
  const broken = join(DEMO, 'extensions/broken.mjs');
  writeFileSync(broken, "throw new Error('cannot reach the pager');\n");
  try {
    await signIn(page, 'operator');
    expect((await mutateByHand(page, 'organism.reload', {})).status).toBe(200);
    await page.goto('/extensions');
    const panel = page.getByRole('region', { name: /broken/ });
    await expect(panel).toContainText('not running');
    await expect(panel.getByRole('alert')).toContainText('its module failed to load: cannot reach the pager');
    await expect(page.getByRole('region', { name: /failure-notifier/ })).toContainText('message.failed');
    await expectAccessible(page);
  } finally {
    rmSync(broken, { force: true });
    await mutateByHand(page, 'organism.reload', {});
  }
});
