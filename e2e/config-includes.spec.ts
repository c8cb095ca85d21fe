import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible, mutateByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

// The copy of the demo the stack runs (e2e/support/stack.mjs).
const DEMO = E2E.demo;
const INCLUDED = 'features/e2e/naps.yaml';
// A second sleeper, declared beside its feature; its schema and handler are the demo's, two folders up.
const NAPS = `# A feature of its own, included by organism.yaml.
listeners:
  - name: napper
    description: Naps too, declared in an included file.
    payload:
      schema: ../../schemas/sleeper.xsd
    handler: ../../handlers/sleeper.ts#nap
`;

test('an included file shows read-only on the configuration page, and its listener says where it is declared', async ({
  page,
}) => {
  const main = readFileSync(join(DEMO, 'organism.yaml'), 'utf8');
  mkdirSync(join(DEMO, 'features/e2e'), { recursive: true });
  writeFileSync(join(DEMO, INCLUDED), NAPS);
  await signIn(page, 'admin');
  try {
    const including = main.replace('\nlisteners:', `\ninclude: [${INCLUDED}]\nlisteners:`);
    const saved = await mutateByHand(page, 'config.save', { yaml: including, note: 'include naps' });
    expect(saved.status).toBe(200);

    await page.goto('/config');
    await page.getByRole('tab', { name: INCLUDED }).click();
    const editor = page.getByRole('region', { name: INCLUDED });
    await expect(editor).toContainText('name: napper');
    await expect(page.getByText('Included by organism.yaml:')).toBeVisible();
    // Read-only: typing changes nothing.
    await editor.getByRole('textbox').click();
    await page.keyboard.type('oops');
    await expect(editor).not.toContainText('oops');
    await expectAccessible(page);

    await page.goto('/listeners/napper');
    await expect(page.getByText(`declared in ${INCLUDED}`)).toBeVisible();

    // A problem in the included file is listed with its file and line while checking organism.yaml.
    writeFileSync(join(DEMO, INCLUDED), NAPS.replace('#nap', '#doze'));
    await page.goto('/config');
    const problems = page.getByRole('list', { name: 'Problems' });
    await page.getByRole('textbox', { name: 'organism.yaml' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await expect(problems).toContainText(`${INCLUDED} · line 7 · listeners[0].handler`);
    await expect(problems).toContainText('doze');
  } finally {
    writeFileSync(join(DEMO, INCLUDED), NAPS);
    await mutateByHand(page, 'config.save', { yaml: main, note: 'drop naps' });
    rmSync(join(DEMO, 'features'), { recursive: true, force: true });
  }
});

test('a file on disk that is not what runs (a reload refused it) is said so, with the difference', async ({
  page,
}) => {
  const file = join(DEMO, 'organism.yaml');
  const main = readFileSync(file, 'utf8');
  await signIn(page, 'admin');
  try {
    writeFileSync(file, main.replace(/maxAttempts: \d+/, 'maxAttempts: three'));
    const reload = await mutateByHand(page, 'organism.reload', {});
    expect(reload.status).toBe(400);
    await page.goto('/config');
    const banner = page.getByTestId('config-not-running');
    await expect(banner).toContainText('organism.yaml on disk is not what runs.');
    await expect(page.getByText('on disk, not running', { exact: true })).toBeVisible();
    await banner.getByRole('button', { name: 'See the difference' }).click();
    const dialog = page.getByRole('dialog', { name: 'What runs, and what is on disk' });
    await expect(dialog).toContainText('maxAttempts: three');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    // The page's own diff compares with what runs too, not with the file it shows.
    await page.getByRole('tab', { name: /Changes from the running version/ }).click();
    await expect(page.getByRole('region', { name: 'Changes from the running version' })).toContainText(
      'maxAttempts: three',
    );
    // The file put back as it was: what runs again, and the banner goes.
    writeFileSync(file, main);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Configuration', exact: true })).toBeVisible();
    await expect(page.getByText('running', { exact: true }).first()).toBeVisible();
    await expect(banner).toHaveCount(0);
  } finally {
    writeFileSync(file, main);
  }
});
