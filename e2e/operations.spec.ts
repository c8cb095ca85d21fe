import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { expectAccessible, inject, mutateByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

/** Replaces the editor's whole text, as an author pasting would. */
async function write(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

const connectionOf = (page: Page): Locator =>
  page.getByRole('status').filter({ hasText: /^(live|reconnecting|engine away)$/ });

test('an admin restarts from Operations and sees the drain, the engine away, its return with the recovery report, on the same page', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, 'admin');
  // Found from the palette by what it does.
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('restart');
  await expect(palette.getByRole('option', { name: /Operations/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/operations$/);
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  await expectAccessible(page);

  // Naps in flight and queued, so the drain has something to wait for.
  await inject(page, 'sleeper', '<nap><ms>800</ms></nap>', undefined, 16);
  await page.getByLabel('Drain for at most').selectOption('10000');
  await page.getByRole('button', { name: 'Restart…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Restart the engine?' });
  await expect(confirm).toContainText('Nothing in the journal is lost');
  await confirm.getByRole('button', { name: 'Restart' }).click();

  const progress = page.getByTestId('restart-progress');
  // The keyboard follows the restart's steps (the dialog's button is disabled meanwhile).
  await expect(progress).toBeFocused();
  await expect(progress.getByTestId('drain-figures')).toHaveText(
    /\d+ in flight · \d+ queued · \d+ open threads? · (.+ left|drained in .+|stopped after .+)/,
  );
  await expect(progress).toContainText('Engine away', { timeout: 30_000 });
  await expect(progress.getByTestId('engine-back')).toContainText('recovery', { timeout: 90_000 });
  // The next engine was made ready while this one served, before the drain began.
  await expect(progress.getByTestId('next-engine')).toContainText(
    /ready [\d.]+ m?s after the request; this one stopped its intake/,
  );
  // Back by itself, on the page it was on, the stream live again.
  await expect(page).toHaveURL(/\/operations$/);
  await expect(connectionOf(page)).toHaveText('live', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Engine' })).toContainText('running');
  await expect(progress).toBeFocused();
  await expectAccessible(page);

  // What the engine counted carried over: a tab opened now, which heard nothing before the restart, finds
  // the naps sent before it on the map, and the overview's chart marks the restart inside minutes counted.
  const fresh = await page.context().newPage();
  await fresh.goto('/map');
  const routes = fresh.getByRole('region', { name: 'Routes' }).getByRole('row');
  await expect(
    routes.filter({ hasText: 'console:admin' }).filter({ hasText: 'sleeper' }).first(),
  ).toBeVisible();
  await fresh.goto('/');
  await expect(fresh.getByRole('img', { name: /; the engine restarted at / })).toBeVisible();
  await fresh.close();
});

test('an operator pauses a listener, sends to it, sees the message wait PENDING, resumes it and sees it delivered', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, 'operator', '/listeners/greeter');
  await page.getByRole('button', { name: 'Pause greeter' }).click();
  const header = page.locator('header').filter({ has: page.getByRole('heading', { name: 'greeter' }) });
  await expect(header).toContainText('paused');
  // The same button, now Resume, keeps the keyboard's focus.
  await expect(page.getByRole('button', { name: 'Resume greeter' })).toBeFocused();
  await expect(page.getByRole('region', { name: 'Paused' })).toContainText('by operator');
  await expectAccessible(page);

  // Sent from the composer while paused: the composer says it will wait; accepted, and it waits, its hop
  // saying why.
  await page.goto('/compose?to=greeter');
  await expect(page.getByRole('region', { name: 'Listener paused' })).toContainText(
    'greeter was paused by operator',
  );
  await expect(page.getByRole('region', { name: 'Listener paused' })).toContainText(
    'what you send waits PENDING',
  );
  const editor = page.getByRole('region', { name: 'Payload' });
  await write(page, editor, '<greeting>\n  <name>while paused</name>\n</greeting>');
  await expect(page.getByTestId('check-status')).toContainText('Valid');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);
  const thread = page.url();
  const hops = page.getByRole('list', { name: 'Hops' });
  await expect(hops.locator('[data-state="PENDING"]').first()).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(2_000);
  await expect(hops.locator('[data-state="ACKED"]')).toHaveCount(0);
  await hops.getByRole('button').first().click();
  const waiting = page.getByTestId('hop-detail').getByRole('region', { name: 'Listener paused' });
  await expect(waiting).toContainText('this message waits PENDING until it is resumed');
  await expect(waiting.getByRole('button', { name: 'Resume greeter' })).toBeVisible();

  // The map shows it paused, with its pending count.
  await page.goto('/map?focus=greeter');
  await expect(page.getByRole('link', { name: /^greeter: paused, .* \d+ pending$/ })).toBeVisible({
    timeout: 30_000,
  });

  // Operations lists it paused; resume from there.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Operations' }).click();
  const controls = page.getByRole('table', { name: 'Listeners to pause or resume' });
  await expect(controls.getByRole('row').filter({ hasText: 'greeter' })).toContainText('by operator');
  await expectAccessible(page);
  await controls.getByRole('button', { name: 'Resume greeter' }).click();
  await expect(controls.getByRole('button', { name: 'Pause greeter' })).toBeFocused();

  await page.goto(thread);
  await expect(hops.locator('[data-state="ACKED"]').first()).toBeVisible({ timeout: 20_000 });
  await hops.getByRole('button').first().click();
  await expect(page.getByTestId('hop-detail')).toContainText('while paused');
});

test('a failed message republished edited is ACKED and linked to the one it came from', async ({ page }) => {
  await signIn(page, 'operator');
  const sent = await mutateByHand(page, 'messages.inject', {
    to: 'tools.calculator',
    payloadXml: '<calculate><a>6</a><op>div</op><b>0</b></calculate>',
  });
  expect(sent.status).toBe(200);
  const source = (sent.data as { messageIds: string[] }).messageIds[0] ?? '';
  await page.goto(`/messages/${source}`);
  await expect(page.getByRole('heading', { name: /Message/ })).toContainText('FAILED', { timeout: 30_000 });
  // Its recipient is a listener: its name leads to the listener's page; the console's own name is text.
  await expect(
    page.getByRole('main').getByRole('link', { name: 'tools.calculator', exact: true }),
  ).toHaveAttribute('href', '/listeners/tools.calculator');
  await expect(page.getByRole('main').getByRole('link', { name: /^console:/ })).toHaveCount(0);
  await page.getByRole('link', { name: 'Edit and send' }).click();
  await expect(page).toHaveURL(/\/compose\?to=tools\.calculator&source=/);
  const editor = page.getByRole('region', { name: 'Payload' });
  await expect(editor).toContainText('<b>0</b>');
  await write(page, editor, '<calculate>\n  <a>6</a>\n  <op>div</op>\n  <b>2</b>\n</calculate>');
  await expect(page.getByTestId('check-status')).toContainText('Valid');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);

  // The source says what it was republished as; the new message is ACKED and says where it came from.
  await page.goto(`/messages/${source}`);
  const provenance = page.getByTestId('provenance');
  await expect(provenance).toContainText('Republished as');
  await provenance.getByRole('link').first().click();
  await expect(page).not.toHaveURL(new RegExp(source));
  await expect(page.getByRole('heading', { name: /Message/ })).toContainText('ACKED', { timeout: 20_000 });
  await expect(page.getByTestId('provenance')).toContainText(`Republished from ${source.slice(0, 8)}`);
  await expect(page.getByTestId('provenance').getByRole('link')).toHaveAttribute(
    'href',
    `/messages/${source}`,
  );
  await expectAccessible(page);
});

test('an operator reloads from Operations: a broken file is refused with its problem at its line, a good one says what changed', async ({
  page,
}) => {
  // The stack's own copy of the demo organism (e2e/support/stack.mjs).
  const organism = join(E2E.demo, 'organism.yaml');
  const original = readFileSync(organism, 'utf8');
  const echo = (handler: string): string =>
    `${original.trimEnd()}\n  - name: echo\n    description: Echoes.\n    payload:\n      schema: schemas/shouter.xsd\n    handler: ${handler}\n`;
  await signIn(page, 'operator', '/operations');
  const reload = page.getByRole('button', { name: 'Reload from disk…' });
  const result = page.getByTestId('reload-result');
  const ask = page.getByRole('dialog', { name: 'Reload organism.yaml from disk?' });
  try {
    writeFileSync(organism, `${original.trimEnd()}\n  - name: [oops\n`);
    // Asked first, with what the file would do: here, the problem that would refuse it, at its line.
    await reload.click();
    await expect(ask.getByTestId('config-status')).toContainText(
      'the engine would refuse this configuration',
    );
    await expectAccessible(page);
    await ask.getByRole('button', { name: 'Reload', exact: true }).click();
    await expect(result).toContainText('Not reloaded: the configuration has problems');
    await expect(result.getByRole('listitem').first()).toContainText(/line \d+/);
    await expectAccessible(page);

    writeFileSync(organism, echo('./handlers/shouter.ts#shout'));
    await reload.click();
    await expect(ask.getByTestId('config-status')).toContainText('echo');
    // Cancel changes nothing; asked again, Reload does it.
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(ask).toHaveCount(0);
    await expect(result).toContainText('Not reloaded');
    await reload.click();
    await ask.getByRole('button', { name: 'Reload', exact: true }).click();
    await expect(result).toContainText('Added: echo');
    // It says when, as it stays on the page.
    await expect(result).toContainText(/Reloaded \d+ s ago\./);
    await expect(reload).toBeFocused();
    await expect(result.getByRole('link', { name: 'echo' })).toHaveAttribute('href', '/listeners/echo');
    const controls = page.getByRole('table', { name: 'Listeners to pause or resume' });
    await expect(controls.getByRole('row').filter({ hasText: 'echo' })).toBeVisible();
  } finally {
    writeFileSync(organism, original);
    await mutateByHand(page, 'organism.reload', {});
  }
});

test('a viewer is offered no Operations, no pause and no restart, and the engine refuses a pause sent by hand', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  await expect(page.getByRole('link', { name: 'Operations' })).toHaveCount(0);
  await page.goto('/listeners');
  await expect(
    page.getByRole('table', { name: 'Listeners' }).getByRole('link', { name: 'greeter' }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pause / })).toHaveCount(0);
  await page.goto('/operations');
  await expect(page.getByText('This page needs the operator role')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restart…' })).toHaveCount(0);
  const byHand = await mutateByHand(page, 'listeners.pause', { name: 'greeter' });
  expect(byHand.engineCode).toBe('FORBIDDEN');
});
