import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible, mutateByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

// The copy of the demo the stack runs (e2e/support/stack.mjs).
const DEMO = E2E.demo;

test('the demo’s failure notifier shows its handler and counts, and writes each dead letter', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  await page.getByRole('link', { name: 'Extensions' }).click();
  await expect(page.getByRole('heading', { name: 'Extensions', level: 1 })).toBeVisible();
  const panel = page.getByRole('region', { name: /failure-notifier/ });
  await expect(panel).toContainText('extensions/failure-notifier.ts');
  const row = panel.getByRole('table', { name: 'Handlers of failure-notifier' }).getByRole('row').nth(1);
  await expect(row).toContainText('dispatch.failed');
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
    await expect(page.getByRole('region', { name: /failure-notifier/ })).toContainText('dispatch.failed');
    await expectAccessible(page);
  } finally {
    rmSync(broken, { force: true });
    await mutateByHand(page, 'organism.reload', {});
  }
});

test('a durable extension shows its cursor, and an operator retries and discards its dead letters', async ({
  page,
}) => {
  // Refuses every acknowledgement while the flag file exists, with no retry: each one is a dead letter.
  const flag = join(DEMO, '.organism/ledger-closed');
  const ledger = join(DEMO, 'extensions/ledger.mjs');
  writeFileSync(flag, '');
  writeFileSync(
    ledger,
    `import { existsSync } from 'node:fs';
export default {
  options: { durable: true },
  register(ext) {
    ext.onEvent('dispatch', 'acknowledged', () => {
      if (existsSync(${JSON.stringify(flag)})) throw new Error('the ledger is closed');
    }, { retry: { maxAttempts: 1 } });
  },
};
`,
  );
  try {
    await signIn(page, 'operator');
    expect((await mutateByHand(page, 'organism.reload', {})).status).toBe(200);
    await page.goto('/extensions');
    const panel = page.getByRole('region', { name: /ledger/ });
    await expect(panel).toContainText('durable');
    await expect(panel.getByLabel('Cursor')).toContainText(/Cursor at #[\d,]+ of #[\d,]+/);
    const failed = panel.getByRole('table', { name: 'Failed events of ledger' });
    await expect(failed.getByRole('row').nth(2)).toBeVisible({ timeout: 30_000 });
    await expect(failed.getByRole('row').nth(1)).toContainText('dispatch.acknowledged');
    await expect(failed.getByRole('row').nth(1)).toContainText('dead letter');
    await expect(failed.getByRole('row').nth(1)).toContainText('the ledger is closed');
    await expectAccessible(page);

    rmSync(flag);
    const first = failed.getByRole('row').nth(1);
    const retryLabel = await first.getByRole('button', { name: /^Retry / }).getAttribute('aria-label');
    await first.getByRole('button', { name: /^Retry / }).click();
    await expect(page.getByText(/ledger runs dispatch\.acknowledged #[\d,]+ again/)).toBeVisible();
    await expect(failed.getByRole('button', { name: retryLabel ?? '' })).toHaveCount(0);

    const second = failed.getByRole('row').nth(1);
    const discardLabel = await second.getByRole('button', { name: /^Discard / }).getAttribute('aria-label');
    await second.getByRole('button', { name: /^Discard / }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await expect(failed.getByRole('button', { name: discardLabel ?? '' })).toHaveCount(0);

    // The rest at once: with the ledger open again they all succeed, and the table goes.
    await panel.getByRole('button', { name: /^Retry [\d,]+ dead letters?$/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Retry all' }).click();
    await expect(page.getByText(/ledger runs [\d,]+ dead letters? again/)).toBeVisible();
    await expect(failed).toHaveCount(0, { timeout: 15_000 });
    await expect(panel.getByLabel('Cursor')).toContainText('caught up');

    // Given up on: closed again for a while, then every dead letter discarded at once.
    writeFileSync(flag, '');
    // Ten at first, and the next page after them on asking.
    const more = panel.getByRole('button', { name: /^Show [\d,]+ more$/ });
    await expect(more).toBeVisible({ timeout: 30_000 });
    rmSync(flag);
    await expect(failed.getByRole('row')).toHaveCount(11);
    await more.click();
    await expect.poll(() => failed.getByRole('row').count()).toBeGreaterThan(11);
    const discardAll = panel.getByRole('button', { name: /^Discard [\d,]+ dead letters?$/ });
    await discardAll.click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText('those waiting for a retry stay');
    await confirm.getByRole('button', { name: 'Discard all' }).click();
    await expect(page.getByText(/^[\d,]+ dead letters? of ledger discarded\.$/)).toBeVisible();
    await expect(failed).toHaveCount(0, { timeout: 15_000 });
  } finally {
    rmSync(flag, { force: true });
    rmSync(ledger, { force: true });
    await mutateByHand(page, 'organism.reload', {});
  }
});
