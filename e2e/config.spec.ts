import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Locator, Page, Route } from '@playwright/test';
import { expectAccessible, mutateByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

// Saves reload the organism and the map redraws while traffic flows: a busy machine needs the time.
test.describe.configure({ timeout: 180_000, mode: 'serial' });

/** Replaces the editor's whole text, as an author pasting would. */
async function write(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

/** The running organism.yaml, read as the page reads it. */
async function runningYaml(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/trpc/config.get');
    const body = (await res.json()) as { result: { data: { yaml: string } } };
    return body.result.data.yaml;
  });
}

/** Signs in as admin and opens the configuration: its editor, once it shows the file, and its status. */
async function openAsAdmin(page: Page): Promise<{ editor: Locator; status: Locator }> {
  await signIn(page, 'admin', '/config');
  const editor = page.getByRole('region', { name: 'organism.yaml' });
  await expect(editor).toContainText('name: demo');
  return { editor, status: page.getByTestId('config-status') };
}

const ECHO = `
  - name: echo
    description: Shouts back whatever it is sent.
    payload:
      schema: schemas/shouter.xsd
    handler: ./handlers/shouter.ts#shout
`;

test('an operator breaks the configuration, sees the problem at its line and what a change would do, and may not save', async ({
  page,
}) => {
  await signIn(page, 'operator');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Configuration' }).click();
  await expect(page).toHaveURL(/\/config$/);
  await expect(page.getByRole('heading', { name: 'Configuration', level: 1 })).toBeVisible();
  const editor = page.getByRole('region', { name: 'organism.yaml' });
  const status = page.getByTestId('config-status');
  await expect(editor).toContainText('name: demo');
  await expect(status).toContainText('the same as the running configuration');
  // An operator checks and compares; saving and rolling back are the admin's.
  await expect(page.getByRole('button', { name: /Save and reload/ })).toHaveCount(0);
  await expect(page.getByText('Saving needs the admin role.')).toBeVisible();
  await expectAccessible(page);

  const yaml = await runningYaml(page);
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'concurrency: 4');
  expect(at).toBeGreaterThan(0);
  lines[at] = '    concurrency: 0';
  await write(page, editor, lines.join('\n'));
  await expect(status).toContainText('1 problem');
  await expect(status).toContainText(`line ${at + 1}`);
  await expect(status).toContainText('must be at least 1');
  // The problem's line takes the cursor there.
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await status.getByRole('button', { name: `go to line ${at + 1}` }).click();
  await expect(editor.locator('.cm-content')).toBeFocused();
  await expect(editor.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText(String(at + 1));
  // Underlined where it was typed.
  await expect(editor.locator('.cm-line').nth(at).locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(
    editor
      .locator('.cm-line')
      .nth(at - 1)
      .locator('.cm-lintRange-error'),
  ).toHaveCount(0);

  // A sound change: the sleeper removed, echo added. The impact says what becomes of the sleeper's work.
  const withoutSleeper = yaml.replace(/\n {2}# Slow on purpose[\s\S]*$/, '\n') + ECHO;
  await write(page, editor, withoutSleeper);
  await expect(status).toContainText('Sound. Saving reloads these listeners');
  const changes = page.getByRole('list', { name: 'Listener changes' });
  await expect(changes).toContainText('echo is added');
  await expect(changes).toContainText('sleeper is removed');
  // On a laptop the panel is under the editor: its gist sits beside Save, and leads to it.
  await page.setViewportSize({ width: 1024, height: 700 });
  const gist = page.getByRole('button', { name: /^It adds echo; removes sleeper\./ });
  await gist.click();
  await expect(page.getByRole('region', { name: 'What a save would do' })).toBeInViewport();
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(gist).toBeHidden();
  await page.getByRole('tab', { name: /Changes from the running version/ }).click();
  await expect(page).toHaveURL(/view=diff/);
  // The edit's diff (the history below may show one of its own, between two saved versions).
  const diff = page.getByRole('region', { name: 'Changes from the running version', exact: true });
  await expect(diff).toContainText('Shouts back whatever it is sent.');
  await expect(diff.locator('.cm-deletedChunk').first()).toContainText('sleeper');
  await expectAccessible(page);

  // The organism's own settings: which a save applies, which wait for a restart.
  await page.getByRole('tab', { name: 'YAML' }).click();
  await write(
    page,
    editor,
    yaml.replace('\nname: demo\n', '\nname: demo-renamed\n').replace('maxDepth: 50', 'maxDepth: 40'),
  );
  await expect(status).toContainText('Sound. No listener changes.');
  const settings = page.getByRole('list', { name: 'Setting changes' });
  await expect(settings).toContainText('Applied by the save: name demo → demo-renamed.');
  await expect(settings).toContainText(
    'At the next restart only (saved now, read when the engine starts): pump.maxDepth 50 → 40.',
  );
  // A default the listeners share: every listener that takes it changes, said in one line.
  await write(page, editor, yaml.replace('maxAttempts: 3', 'maxAttempts: 30'));
  await expect(status).toContainText('Sound. Saving reloads these listeners');
  await expect(changes.getByRole('listitem')).toHaveCount(1);
  await expect(changes).toContainText(/greeter, .* and .* change: retry\./);
  await expect(settings).toContainText('Applied by the save: retry.maxAttempts 3 → 30.');

  // Edits are not lost without a question: a link away asks, and so does discarding them.
  const leave = page.getByRole('alertdialog', { name: 'Leave the configuration?' });
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Messages' }).click();
  await expect(leave).toContainText('Your edits are not saved, and will be lost.');
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page).toHaveURL(/\/config(\?view=yaml)?$/);
  // So does the browser's Back to the page before (the overview), before the router hears of it.
  await page.goBack({ waitUntil: 'commit', timeout: 5_000 }).catch(() => null);
  await expect(leave).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(leave).toHaveCount(0);
  await expect(page).toHaveURL(/\/config(\?view=yaml)?$/);
  await expect(settings).toContainText('Applied by the save: retry.maxAttempts 3 → 30.');
  await page.getByRole('button', { name: 'Discard edits' }).click();
  const discard = page.getByRole('alertdialog', { name: 'Discard your edits?' });
  await discard.getByRole('button', { name: 'Discard edits' }).click();
  await expect(status).toContainText('the same as the running configuration');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Messages' }).click();
  await expect(page).toHaveURL(/\/messages/);
});

const ECHO_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="shout">
    <xs:complexType>
      <xs:sequence><xs:element name="text" type="xs:string"/></xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="whisper" type="xs:string"/>
</xs:schema>
`;

/** Chooses a file in the open upload dialog and sends it. */
async function upload(page: Page, name: string, text: string): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: 'Upload an XSD' });
  await dialog
    .getByLabel('File', { exact: true })
    .setInputFiles({ name, mimeType: 'application/xml', buffer: Buffer.from(text) });
  await expect(dialog.getByLabel('Path in the organism folder')).toHaveValue(`schemas/${name}`);
  await dialog.getByRole('button', { name: 'Check and upload' }).click();
  return dialog;
}

test('beside a disabled Save, an admin reads why it waits, and it leads to the line, from any tab', async ({
  page,
}) => {
  // At 1024 px the problems' panel is under the editor, out of view.
  await page.setViewportSize({ width: 1024, height: 768 });
  const { editor } = await openAsAdmin(page);
  const yaml = await runningYaml(page);
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'concurrency: 4');
  lines[at] = '    concurrency: 0';
  await write(page, editor, lines.join('\n'));
  const why = page.getByRole('button', { name: '1 problem to fix before saving' });
  await expect(why).toBeInViewport();
  await expect(page.getByRole('button', { name: /Save and reload/ })).toBeDisabled();
  await page.getByRole('tab', { name: /Changes from the running version/ }).click();
  await why.click();
  await expect(page.getByRole('tab', { name: 'YAML' })).toHaveAttribute('aria-selected', 'true');
  await expect(editor.locator('.cm-content')).toBeFocused();
  await expect(editor.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText(String(at + 1));
  // Scrolled to the page's end (the history), the header with Save and the reason stays under the top bar.
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  await expect(page.getByRole('table', { name: 'Saved versions' })).toBeInViewport();
  await expect(why).toBeInViewport();
  await expect(page.getByRole('button', { name: /Save and reload/ })).toBeInViewport();

  // The listener form marks the listener the problem is in, and leads to it.
  const owner = /- name: (\S+)/.exec(
    lines
      .slice(0, at)
      .reverse()
      .find((l) => l.includes('- name:')) ?? '',
  )?.[1];
  expect(owner).toBeTruthy();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.getByRole('tab', { name: 'Listener form' }).click();
  const marked = page.getByTestId('listeners-with-problems');
  await expect(marked).toHaveText(`Problems in ${owner} (1).`);
  await expect(
    page.getByLabel('Listener', { exact: true }).locator('option', { hasText: `${owner} —` }),
  ).toHaveText(`${owner} — 1 problem`);
  await marked.getByRole('button', { name: owner }).click();
  await expect(page.getByLabel('Concurrency')).toHaveValue('0');
  await expect(page.getByLabel('Concurrency')).toHaveAccessibleDescription(/must be at least 1/);

  // YAML that does not parse: the form says why in the engine's words, at the line where the string
  // opens (not the end of the file the parser ran to).
  await page.getByRole('tab', { name: 'YAML' }).click();
  const description = lines.findIndex((l) => l.startsWith('description: '));
  lines[description] = lines[description]!.replace('description: ', 'description: "');
  await write(page, editor, lines.join('\n'));
  await page.getByRole('tab', { name: 'Listener form' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Listener form' }).getByRole('alert')).toHaveText(
    `The YAML does not parse (line ${description + 1}: this string has no closing ": a quoted string may run on over lines, so all that follows reads as part of it). Fix it in the YAML tab; the form edits a document that parses.`,
  );
});

test('an admin adds a listener through the form with an uploaded XSD, saves it, sees it receive a message, compares versions and rolls back', async ({
  page,
}) => {
  const { editor, status } = await openAsAdmin(page);
  await page.getByRole('tab', { name: 'Listener form' }).click();
  await expect(page).toHaveURL(/view=form/);
  await page.getByRole('button', { name: 'Add a listener' }).click();
  // The engine's refusal of the empty listener, at the form's fields.
  const form = page.getByRole('tabpanel', { name: 'Listener form' });
  const name = form.getByLabel('Name', { exact: true });
  await expect(name).toHaveAccessibleDescription(/^"" is not a listener name/);
  await name.fill('echo');
  await expect(name).toHaveAccessibleDescription(/^letters, digits/);
  await form.getByLabel('Description').fill('Shouts back whatever it is sent.');

  // An XSD that does not compile is refused with its line; then one that does is written and chosen.
  await form.getByRole('button', { name: 'Upload an XSD…' }).click();
  let dialog = await upload(
    page,
    'broken.xsd',
    ECHO_XSD.replace('type="xs:string"/>\n</xs:schema>', 'type="xs:nope"/>\n</xs:schema>'),
  );
  await expect(dialog).toContainText('line 8');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await form.getByRole('button', { name: 'Upload an XSD…' }).click();
  dialog = await upload(page, 'echo.xsd', ECHO_XSD);
  await expect(dialog).toBeHidden();
  await expect(form.getByLabel('XSD')).toHaveValue('schemas/echo.xsd');
  await form.getByLabel('Module').selectOption('./handlers/shouter.ts');
  await expect(form.getByLabel('Export')).toHaveValue('shout');
  // Two global elements: the engine asks for a root, at the root's field.
  const root = form.getByLabel('Root element');
  await expect(root).toHaveAccessibleDescription(/declares 2 global elements/);
  await root.selectOption('shout');
  // What the engine refuses, the form refuses in its words (the YAML view says the same at its line).
  const concurrency = form.getByLabel('Concurrency');
  await concurrency.fill('0');
  await expect(concurrency).toHaveAccessibleDescription('must be at least 1');
  await concurrency.fill('2');
  await expect(concurrency).toHaveAccessibleDescription(/^deliveries at once/);
  await expect(page.getByRole('list', { name: 'Listener changes' })).toContainText('echo is added');
  await expectAccessible(page);

  // The YAML says the same, its comments kept; the form still has the listener in hand after it.
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(editor).toContainText('name: echo');
  await page.getByRole('tab', { name: 'Listener form' }).click();
  await expect(name).toHaveValue('echo');
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(editor).toContainText('schema: schemas/echo.xsd');
  await expect(editor).toContainText('root: shout');
  await expect(editor).toContainText('# Slow on purpose');
  await page.getByRole('tab', { name: /Changes from the running version/ }).click();
  await expect(
    page.getByRole('region', { name: 'Changes from the running version', exact: true }),
  ).toContainText('handler: ./handlers/shouter.ts#shout');

  await page.getByRole('button', { name: 'Save and reload…' }).click();
  dialog = page.getByRole('dialog', { name: 'Save and reload' });
  await expect(dialog).toContainText('It adds echo.');
  await dialog.getByLabel('Note').fill('add echo from e2e');
  await dialog.getByRole('button', { name: 'Save and reload' }).click();
  const done = page.getByTestId('config-done');
  await expect(done).toContainText('Saved (“add echo from e2e”), and reloaded.');
  await expect(done).toContainText('Added: echo');
  // The keyboard is on what the save did, not back at the top of the page.
  await expect(done.locator('..')).toBeFocused();
  await expect(status).toContainText('the same as the running configuration');
  const history = page.getByRole('table', { name: 'Saved versions' });
  await expect(history.getByRole('row').filter({ hasText: 'running' })).toContainText('add echo from e2e');
  await expectAccessible(page);

  // Compare the version before the save with the running one.
  const previous = history.getByRole('row').nth(2);
  // From its first cell only: the next one ("32 s ago") would run on into the number.
  const number =
    /version (\d+)/.exec((await previous.getByRole('cell').first().textContent()) ?? '')?.[1] ?? '';
  await previous.getByRole('button', { name: /^compare version/ }).click();
  await expect(page).toHaveURL(/from=[0-9a-f]{8}&to=running/);
  await expect(
    page.getByRole('region', { name: /^Changes from version \d+ to version \d+ \(running\)$/ }),
  ).toContainText('Shouts back whatever it is sent.');

  // The new listener receives a message sent from the composer, and the map shows the route.
  await page.goto('/compose?to=echo');
  await expect(page.getByTestId('check-status')).toContainText('Valid against the contract of echo');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('list', { name: 'Hops' }).locator('[data-state="ACKED"]').first()).toBeVisible({
    timeout: 20_000,
  });
  await page.goto('/map');
  const map = page.getByRole('application', { name: /Map of the organism/ });
  await expect(map.getByRole('link', { name: /^echo: / })).toBeVisible();
  await expect(map.getByRole('link', { name: /^messages from console:admin to echo/ })).toBeVisible({
    timeout: 30_000,
  });

  // A rollback confirmed after another save landed is refused, not a silent undo of that save.
  await page.goto('/config');
  await history.getByRole('button', { name: `roll back to version ${number}` }).click();
  const between = `${await runningYaml(page)}# between\n`;
  expect((await mutateByHand(page, 'config.save', { yaml: between, note: 'between' })).status).toBe(200);
  // Behind the open dialog the page is hidden from roles: its table is read all the same.
  const behind = page.getByRole('table', { name: 'Saved versions', includeHidden: true });
  await expect(behind.getByRole('row', { includeHidden: true }).filter({ hasText: 'running' })).toContainText(
    'between',
  );
  await page.getByRole('alertdialog').getByRole('button', { name: 'Roll back and reload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The rollback was refused' })).toContainText(
    'organism.yaml changed since version',
  );
  expect(await runningYaml(page)).toBe(between);

  // Roll back to the version before echo: the question says what it changes, and it is gone again.
  await history.getByRole('button', { name: `roll back to version ${number}` }).click();
  await expect(page.getByRole('alertdialog')).toContainText('It removes echo');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Roll back and reload' }).click();
  await expect(done).toContainText(`Rolled back to version ${number}, and reloaded.`);
  await expect(done).toContainText('Removed: echo');
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(editor).not.toContainText('name: echo');
  await expect(history.getByRole('row').filter({ hasText: 'running' })).toContainText(
    `rolled back to version ${number}`,
  );
});

test('an admin whose edit began before another save is told so, and chooses to load it or save over it', async ({
  page,
}) => {
  const { editor, status } = await openAsAdmin(page);
  const original = await runningYaml(page);
  const mine = `${original}# mine\n`;
  const theirs = `${original}# theirs\n`;
  const dialog = page.getByRole('dialog', { name: 'Save and reload' });
  const conflict = dialog.getByRole('alert');
  const movedOn = page.getByTestId('config-moved-on');

  /** The dialog once the other change is known: why, whose, and a choice instead of a plain save. */
  const toldWhy = async (now: string): Promise<void> => {
    await expect(conflict).toContainText('organism.yaml changed since you began editing');
    // Whose save it was, from the history.
    await expect(dialog.getByTestId('last-save')).toContainText('The latest save: by admin');
    await expect(dialog.getByTestId('last-save')).toContainText('(“someone else”)');
    // What the dialog says a save would change counts undoing their change too, and says so.
    await expect(dialog).toContainText(
      'Your text against the file as it now is, their change undone included',
    );
    await expect(dialog.getByRole('button', { name: 'Save and reload' })).toHaveCount(0);
    expect(await runningYaml(page)).toBe(now);
  };

  // Another save, which the page hears of: the banner says so at once, and the dialog offers the choice
  // before any save is tried. Loading it: the edits go, and the editor shows the file as it now is.
  await write(page, editor, mine);
  await expect(status).toContainText('Sound');
  const other = await mutateByHand(page, 'config.save', { yaml: theirs, note: 'someone else' });
  expect(other.status).toBe(200);
  await expect(movedOn).toContainText('organism.yaml changed since you began editing');
  await page.getByRole('button', { name: 'Save and reload…' }).click();
  await toldWhy(theirs);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Discard my edits' }).click();
  await expect(dialog).toBeHidden();
  await expect(editor).toContainText('# theirs');
  await expect(status).toContainText('the same as the running configuration');
  await expect(movedOn).toHaveCount(0);

  // An edit on disk, which sends no event: the save is refused, and the dialog then says why. Saving over
  // it, knowingly.
  await write(page, editor, mine);
  await expect(status).toContainText('Sound');
  const onDisk = `${original}# theirs, on disk\n`;
  writeFileSync(join(E2E.demo, 'organism.yaml'), onDisk);
  await page.getByRole('button', { name: 'Save and reload…' }).click();
  await dialog.getByRole('button', { name: 'Save and reload' }).click();
  await toldWhy(onDisk);
  await expect(movedOn).toContainText('organism.yaml changed since you began editing');
  await dialog.getByRole('button', { name: 'Save over it' }).click();
  await expect(page.getByTestId('config-done')).toContainText('Saved');
  expect(await runningYaml(page)).toBe(mine);
  await mutateByHand(page, 'config.save', { yaml: original, note: 'restore the demo' });
  // What the save did is no longer what runs: the banner saying so goes.
  await expect(page.getByTestId('config-done')).toHaveCount(0);
});

test('a save undone before the page reads the file again loses its banner', async ({ page }) => {
  const { editor, status } = await openAsAdmin(page);
  const original = await runningYaml(page);
  const mine = `${original}# mine, overtaken\n`;
  const done = page.getByTestId('config-done');
  // The page's reads of the configuration are held from the save on, as a loaded machine may delay them,
  // until another save has restored the demo: the first version the page then reads is not the save's,
  // and is the version from before it (a version is its text's hash).
  const held: Route[] = [];
  let holding = false;
  const configGet = /\/trpc\/[^?]*config\.get/;
  await page.route(configGet, (route) => (holding ? held.push(route) : route.continue()));
  try {
    await write(page, editor, mine);
    await expect(status).toContainText('Sound');
    await page.getByRole('button', { name: 'Save and reload…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save and reload' });
    holding = true;
    await dialog.getByRole('button', { name: 'Save and reload' }).click();
    await expect(done).toContainText('Saved');
    await expect.poll(() => held.length).toBeGreaterThan(0);
    const restored = await mutateByHand(page, 'config.save', { yaml: original, note: 'restore the demo' });
    expect(restored.status).toBe(200);
  } finally {
    holding = false;
    for (const route of held.splice(0)) await route.continue();
  }
  // What the save did is no longer what runs, though the page never read the version the save made.
  await expect(done).toHaveCount(0);
  await expect(editor).not.toContainText('# mine, overtaken');
  await page.unroute(configGet);
  expect(await runningYaml(page)).toBe(original);
});

test('an admin whose edit began before another save sees that change and merges the edits into it', async ({
  page,
}) => {
  const { editor, status } = await openAsAdmin(page);
  const original = await runningYaml(page);
  const movedOn = page.getByTestId('config-moved-on');
  try {
    // Theirs at the top, mine at the end: lines apart, so they merge.
    await write(page, editor, `${original}# mine\n`);
    await expect(status).toContainText('Sound');
    await mutateByHand(page, 'config.save', { yaml: `# theirs\n${original}`, note: 'someone else' });
    await expect(movedOn).toContainText('organism.yaml changed since you began editing');
    await movedOn.getByRole('button', { name: 'See their change' }).click();
    const theirChange = page.getByRole('dialog', { name: 'Their change' });
    await expect(theirChange.locator('.cm-changedLine')).toContainText('# theirs');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await movedOn.getByRole('button', { name: 'Merge my edits into it' }).click();
    await expect(page.getByText('Your edits are merged into organism.yaml as it now is')).toBeVisible();
    await expect(movedOn).toHaveCount(0);
    const merged = `# theirs\n${original}# mine\n`;
    await expect(status).toContainText('Sound');
    await page.getByRole('button', { name: 'Save and reload…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save and reload' });
    await dialog.getByRole('button', { name: 'Save and reload' }).click();
    await expect(page.getByTestId('config-done')).toContainText('Saved');
    expect(await runningYaml(page)).toBe(merged);

    // Both change the same line: not merged, and the line is named, one click from the editor.
    await write(page, editor, merged.replace('# mine', '# mine, again'));
    await expect(status).toContainText('Sound');
    await mutateByHand(page, 'config.save', { yaml: merged.replace('# mine', '# theirs, again'), note: 'x' });
    await expect(movedOn).toBeVisible();
    await movedOn.getByRole('button', { name: 'Merge my edits into it' }).click();
    const line = merged.split('\n').indexOf('# mine') + 1;
    await expect(movedOn.getByRole('alert')).toContainText(
      `Not merged: your edits and that change both change line ${line} of your text`,
    );
    await movedOn.getByRole('button', { name: `line ${line}` }).click();
    await expect(editor.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText(String(line));
    await expect(editor.locator('.cm-line').nth(line - 1)).toHaveText('# mine, again');
    await movedOn.getByRole('button', { name: 'Discard my edits' }).click();
    await expect(editor).toContainText('# theirs, again');
  } finally {
    await mutateByHand(page, 'config.save', { yaml: original, note: 'restore the demo' });
  }
});

test('a viewer is not offered the configuration, and the engine refuses it by hand', async ({ page }) => {
  await signIn(page, 'viewer');
  await expect(
    page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Configuration' }),
  ).toHaveCount(0);
  await page.goto('/config');
  await expect(page.getByText('This page needs the operator role')).toBeVisible();
  const status = await page.evaluate(async () => (await fetch('/trpc/config.get')).status);
  expect(status).toBe(403);
});
