import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { newPage, parseCurl, signInAs } from './support/accounts.ts';
import { expectAccessible, mutateByHand, queryByHand, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

// Several sign-ins, dialogs and axe runs each: more than the default minute on a busy machine.
test.describe.configure({ timeout: 240_000 });

// Names of this run: the stack's journal is fresh per run, but a name of its own keeps a test independent.
const run = Date.now().toString(36);

test('an admin adds a user, changes their role, resets their password, and the new user signs in', async ({
  page,
  browser,
}) => {
  const name = `nora-${run}`;
  await signIn(page, 'admin');
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await page.keyboard.press('Control+K');
  await page.keyboard.type('audit');
  await page
    .getByRole('dialog', { name: 'Command palette' })
    .getByRole('option', { name: 'Audit log' })
    .click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(nav.getByRole('list', { name: 'Settings' }).getByRole('link')).toHaveText([
    'Users',
    'API tokens',
    'Audit log',
    'Your account',
  ]);
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  const users = page.getByRole('table', { name: 'Users' });
  // The signed-in admin is marked; it offers no role change or removal of itself.
  const self = users.getByRole('row').filter({ hasText: /^admin/ });
  await expect(self).toContainText('you');
  await expect(self.getByRole('combobox')).toHaveCount(0);
  await expect(self.getByRole('button', { name: /remove/ })).toHaveCount(0);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Add user' }).click();
  const add = page.getByRole('dialog', { name: 'Add a user' });
  await add.getByLabel('Name', { exact: true }).fill('no spaces allowed');
  await add.getByLabel('Password', { exact: true }).fill('short');
  await add.getByRole('button', { name: 'Add user' }).click();
  // The engine's own rules, checked before sending, said at each field.
  await expect(add.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(
    'only letters, digits and . _ - @ (no spaces)',
  );
  await expect(add.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(
    'at least 8 characters',
  );
  await expect(add.getByLabel('Role')).not.toHaveAttribute('aria-invalid');
  await expectAccessible(page);
  await add.getByLabel('Name', { exact: true }).fill(name);
  await add.getByLabel('Password', { exact: true }).fill('first password');
  await add.getByLabel('Repeat the password').fill('first passwort');
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(add.getByText('the two passwords differ')).toBeVisible();
  await add.getByLabel('Repeat the password').fill('first password');
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(add).toHaveCount(0);
  const row = users.getByRole('row').filter({ hasText: name });
  await expect(row.getByRole('combobox', { name: `role of ${name}` })).toHaveValue('viewer');

  // A role is asked about first (a select changes with an arrow key alone); Escape leaves it as it was.
  const role = row.getByRole('combobox', { name: `role of ${name}` });
  await role.focus();
  await page.keyboard.press('ArrowDown');
  const ask = page.getByRole('alertdialog', { name: `Make ${name} an operator?` });
  await expect(ask).toContainText('It counts from');
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(role).toHaveValue('viewer');
  await expect(role).toBeFocused();
  await role.selectOption('operator');
  await ask.getByRole('button', { name: 'Make operator' }).click();
  await expect(page.getByText(`${name} is now operator.`)).toBeVisible();
  await page.reload();
  await expect(row.getByRole('combobox', { name: `role of ${name}` })).toHaveValue('operator');

  // Filters in the URL: a role, and part of a name in any case; none matching says so and clears.
  await page.goto(`/users?role=operator&name=${name.toUpperCase()}`);
  await expect(users.getByRole('row')).toHaveCount(2);
  await expect(users.getByRole('row').nth(1)).toContainText(name);
  await expect(page.getByText(/^1 shown of \d+ users/)).toBeVisible();
  await page.getByRole('button', { name: 'change the role filter' }).click();
  await page
    .getByRole('listbox', { name: 'role choices' })
    .getByRole('option', { name: 'admin', exact: true })
    .click();
  await expect(page).toHaveURL(/[?&]role=admin/);
  await expect(users).toContainText('No users match these filters.');
  await users.getByRole('button', { name: 'Clear the filters' }).click();
  await expect(page).not.toHaveURL(/[?&](role|name)=/);
  await expect(row).toBeVisible();
  await expect(self).toBeVisible();

  await row.getByRole('button', { name: `Reset password of ${name}` }).click();
  const reset = page.getByRole('dialog', { name: `Reset the password of ${name}` });
  await reset.getByLabel('New password', { exact: true }).fill('second password');
  await reset.getByLabel('Repeat the new password').fill('second password');
  await expectAccessible(page);
  await reset.getByRole('button', { name: 'Set the password' }).click();
  await expect(reset).toHaveCount(0);
  await expect(page.getByText(`New password set for ${name}; their sessions ended.`)).toBeVisible();

  const nora = await newPage(browser);
  await nora.goto('/sign-in');
  await nora.getByLabel('Name').fill(name);
  await nora.getByLabel('Password').fill('first password');
  await nora.getByRole('button', { name: 'Sign in' }).click();
  await expect(nora.getByRole('alert').filter({ hasText: /./ })).toHaveText('Wrong name or password.');
  await signInAs(nora, name, 'second password');
  await expect(nora.getByRole('banner')).toContainText(`${name}operator`);
  await nora.context().close();
});

test('a user changes their own password; a wrong current password is refused at its field', async ({
  page,
  browser,
}) => {
  const name = `vic-${run}`;
  await signIn(page, 'admin');
  expect(
    (await mutateByHand(page, 'users.add', { name, role: 'viewer', password: 'old password' })).status,
  ).toBe(200);
  const vic = await newPage(browser);
  await signInAs(vic, name, 'old password');
  await vic.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await vic.getByRole('menuitem', { name: 'Your account' }).click();
  await expect(vic.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(
    vic.getByText('Reads everything (messages, threads, listeners, dead letters) and changes nothing.'),
  ).toBeVisible();
  await expectAccessible(vic);

  const form = vic.getByRole('form', { name: 'Change your password' });
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password', { exact: true }).fill('new password');
  await form.getByLabel('Repeat the new password').fill('new password');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription(
    'the current password is wrong',
  );
  await expectAccessible(vic);

  await form.getByLabel('Current password').fill('old password');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(vic.getByText('Password changed. Your other sessions were signed out.')).toBeVisible();
  await expect(form.getByLabel('Current password')).toHaveValue('');
  // This session goes on; a fresh sign-in takes the new password only.
  await vic.goto('/messages');
  await expect(vic.getByRole('heading', { name: 'Messages' })).toBeVisible();
  const again = await newPage(browser);
  await again.goto('/sign-in');
  await again.getByLabel('Name').fill(name);
  await again.getByLabel('Password').fill('old password');
  await again.getByRole('button', { name: 'Sign in' }).click();
  await expect(again.getByRole('alert').filter({ hasText: /./ })).toHaveText('Wrong name or password.');
  await signInAs(again, name, 'new password');
  await vic.context().close();
  await again.context().close();
});

test('a token sends with its curl example, shows its last use, and is refused once revoked', async ({
  page,
}) => {
  const name = `shop-${run}`;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'admin');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API token' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('dialog', { name: 'Token created' });
  await expect(created).toContainText('shown only this once');
  const token = (await created.getByTestId('new-token').textContent()) ?? '';
  expect(token).toMatch(/^org_[\w-]{43}$/);
  const example = created.getByLabel('curl example', { exact: true });
  await expect(example).toContainText(token);
  await expectAccessible(page);

  // What the copy button puts on the clipboard is the command shown, and it works as sent.
  await created.getByRole('button', { name: 'copy the curl example' }).click();
  await expect(page.getByText('curl example copied')).toBeVisible();
  // The root tsconfig has no DOM library: the page's clipboard, typed by hand.
  const copied = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(copied).toBe(await example.textContent());
  const curl = parseCurl(copied);
  expect(curl.url).toBe(`${E2E.engineUrl}/messages`);
  expect(curl.headers).toEqual({ 'content-type': 'application/xml', authorization: `Bearer ${token}` });
  const send = () => fetch(curl.url, { method: 'POST', headers: curl.headers, body: curl.body });
  const accepted = await send();
  expect(accepted.status).toBe(202);
  const { messageId } = (await accepted.json()) as { messageId: string };
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toHaveCount(0);

  // The message is in the journal, from the token's producer name.
  await page.goto(`/messages/${messageId}`);
  await expect(page.getByRole('heading', { name: /Message/ })).toBeVisible();
  await expect(page.getByText(name).first()).toBeVisible();

  await page.goto('/tokens');
  const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('active');
  await expect(row.getByRole('cell').nth(3)).toHaveText(/s ago$/);
  await row.getByRole('button', { name: `revoke ${name}` }).click();
  const confirm = page.getByRole('alertdialog', { name: `Revoke ${name}?` });
  await expect(confirm).toContainText('refused from now on');
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  // The keyboard is on the row, not back at the top of the page with the Revoke button gone.
  await expect(row).toBeFocused();
  await expect(row.getByRole('button', { name: `revoke ${name}` })).toHaveCount(0);
  // A revoked token is refused like an unknown one or none at all: 401, saying the token is not valid.
  const refused = await send();
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  const anonymous = await fetch(curl.url, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: curl.body,
  });
  expect(anonymous.status).toBe(401);

  await page.goto('/tokens?state=revoked');
  await expect(page.getByRole('button', { name: 'change the state filter' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name }),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'API tokens' })).not.toContainText(/\bactive\b/);
  // "any" among the choices removes the filter.
  await page.getByRole('button', { name: 'change the state filter' }).click();
  await page
    .getByRole('listbox', { name: 'state choices' })
    .getByRole('option', { name: 'any', exact: true })
    .click();
  await expect(page).not.toHaveURL(/[?&]state=/);
  await expect(page.getByRole('button', { name: 'change the state filter' })).toHaveCount(0);
});

test('a token revoked elsewhere: the list catches up on focus, and a stale revoke says it was revoked already', async ({
  page,
}) => {
  await signIn(page, 'admin', '/tokens');
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  // A listener's name among the producers is refused at the field, naming it (not its place in the list).
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API token' });
  await dialog.getByLabel('Name').fill(`impostor-${run}`);
  await dialog.getByLabel('May send as (optional)').fill('shop, greeter');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText(/is a listener/)).toHaveText(
    'greeter is a listener of this organism: a producer may not send as a listener (SENDER_RESERVED)',
  );
  await page.keyboard.press('Escape');

  const table = page.getByRole('table', { name: 'API tokens' });
  const make = async (name: string): Promise<string> =>
    ((await mutateByHand(page, 'users.createToken', { name })).data as { id: string }).id;
  // Revoked by hand (another admin): this page does not know until the window is focused again.
  const stale = `stale-${run}`;
  const staleId = await make(stale);
  await page.reload();
  const row = table.getByRole('row').filter({ hasText: stale });
  await expect(row).toContainText('active');
  await mutateByHand(page, 'users.revokeToken', { id: staleId });
  await expect(row).toContainText('active');
  await row.getByRole('button', { name: `revoke ${stale}` }).click();
  await page
    .getByRole('alertdialog', { name: `Revoke ${stale}?` })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(page.getByText(`${stale} was already revoked`)).toContainText('nothing changed');
  await expect(row).toContainText('revoked');

  const other = `focus-${run}`;
  const otherId = await make(other);
  await page.reload();
  const otherRow = table.getByRole('row').filter({ hasText: other });
  await expect(otherRow).toContainText('active');
  await mutateByHand(page, 'users.revokeToken', { id: otherId });
  // The window given the focus back, as a click into it from another window does.
  await page.evaluate("window.dispatchEvent(new Event('focus'))");
  await expect(otherRow).toContainText('revoked');
});

test('a new token not copied is not let go at the first Escape: a second closes, a copy lets Done close', async ({
  page,
}) => {
  await signIn(page, 'admin', '/tokens');
  const create = async (name: string) => {
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const created = page.getByRole('dialog', { name: 'Token created' });
    await expect(created.getByTestId('new-token')).toBeVisible();
    return created;
  };
  const warning = 'The token is not copied, and once this closes it cannot be shown again.';

  const first = await create(`uncopied-${run}`);
  await page.keyboard.press('Escape');
  await expect(first.getByRole('alert')).toHaveText(warning);
  await page.keyboard.press('Escape');
  await expect(first).toHaveCount(0);

  // Copied by hand (selected, then Ctrl-C) after the warning: it goes, and Done closes at once.
  const second = await create(`copied-by-hand-${run}`);
  await second.getByRole('button', { name: 'Done' }).click();
  await expect(second.getByRole('alert')).toHaveText(warning);
  // The same button, its words changed: the focus stays on it.
  await expect(second.getByRole('button', { name: 'Close without copying' })).toBeFocused();
  await second.getByTestId('new-token').selectText();
  await page.keyboard.press('Control+C');
  await expect(second.getByRole('alert')).toHaveCount(0);
  await second.getByRole('button', { name: 'Done' }).click();
  await expect(second).toHaveCount(0);
});

test('the audit log shows who did what, filters by actor in the URL, and exports what matches', async ({
  page,
  browser,
}) => {
  const name = `ada-${run}`;
  await signIn(page, 'admin');
  await mutateByHand(page, 'users.add', { name, role: 'viewer', password: 'ada password' });
  await mutateByHand(page, 'users.setRole', { name, role: 'operator' });
  await mutateByHand(page, 'users.setPassword', { name, password: 'ada password 2' });
  const token = await mutateByHand(page, 'users.createToken', { name: `audit-${run}` });
  await mutateByHand(page, 'users.revokeToken', { id: (token.data as { id: string }).id });
  await mutateByHand(page, 'users.remove', { name: 'admin' });
  await mutateByHand(page, 'organism.reload', {});
  const sent = await mutateByHand(page, 'messages.inject', {
    to: 'greeter',
    payloadXml: `<greeting><name>audit ${run}</name></greeting>`,
  });
  const { threadId, messageIds } = sent.data as { threadId: string; messageIds: string[] };
  const filter = { to: 'greeter', errorCode: 'HANDLER_ERROR', state: 'FAILED' };
  await mutateByHand(page, 'journal.retryMany', { filter, dryRun: false });
  const ada = await newPage(browser);
  await signInAs(ada, name, 'ada password 2');
  await mutateByHand(ada, 'auth.changePassword', { currentPassword: 'wrong', newPassword: 'whatever 123' });

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const log = page.getByRole('table', { name: 'Audit log' });
  const entry = (action: string, target: string) =>
    log.getByRole('row').filter({ hasText: action }).filter({ hasText: target }).first();
  await expect(entry('user.add', name)).toContainText('role: viewer');
  await expect(entry('user.role', name)).toContainText('viewer → operator');
  // A sent message's thread and message are links; a bulk retry names its group, linked to it.
  const injected = entry('message.inject', 'greeter');
  await expect(injected.getByRole('link', { name: threadId.slice(0, 8) })).toHaveAttribute(
    'href',
    `/threads/${threadId}`,
  );
  await expect(injected.getByRole('link', { name: messageIds[0]!.slice(0, 8) })).toHaveAttribute(
    'href',
    `/messages/${messageIds[0]}`,
  );
  const bulk = entry('journal.retryMany', 'greeter · HANDLER_ERROR');
  await expect(bulk.getByRole('link', { name: 'greeter · HANDLER_ERROR' })).toHaveAttribute(
    'href',
    '/dead-letters/group?to=greeter&errorCode=HANDLER_ERROR',
  );
  await expect(bulk).toContainText(/retried: \d+/);
  await expect(entry('user.password', name)).toContainText('ok');
  await expect(entry('token.create', `audit-${run}`)).toContainText('admin');
  await expect(entry('user.remove', 'admin')).toContainText('you cannot remove yourself; another admin can');
  await expect(entry('auth.password', name)).toContainText('the current password is wrong');
  // The organism's file by its name, a link to the configuration, its whole path on hover.
  const file = entry('organism.reload', '').getByRole('link', { name: /^[^/]+\.ya?ml$/ });
  await expect(file).toHaveAttribute('href', '/config');
  await expect(file).toHaveAttribute('title', /^\/.+\.ya?ml$/);
  await expectAccessible(page);

  // Filter by actor with the filter bar: the URL keeps it, and only their entries are left.
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('option', { name: 'who', exact: true }).click();
  await page.getByLabel('who', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]actor=${name}`));
  await expect(log.getByRole('row').nth(1)).toBeVisible();
  const actors = await log.getByRole('row').locator('td:nth-child(2)').allTextContents();
  expect(new Set(actors.map((a) => a.trim()))).toEqual(new Set([name]));
  await expect(log).toContainText('auth.login');
  await expect(log).toContainText('auth.password');
  await page.reload();
  await expect(page.getByRole('button', { name: 'change the who filter' })).toContainText(name);
  await expectAccessible(page);

  // A click on a name narrows to that actor too; outcome narrows to refusals.
  await page.goto('/audit?outcome=error');
  await expect(log.getByRole('row').nth(1)).toBeVisible();
  const outcomes = await log.getByRole('row').locator('td:nth-child(5)').allTextContents();
  expect(new Set(outcomes.map((o) => o.trim()))).toEqual(new Set(['error']));
  await log.getByRole('button', { name: 'admin', exact: true }).first().click();
  await expect(page).toHaveURL(/outcome=error/);
  await expect(page).toHaveURL(/actor=admin/);

  // The export is the filtered log, every page of it, as CSV and as JSON lines.
  await page.goto(`/audit?actor=${name}`);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const lines = readFileSync((await csv.path()) ?? '', 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe('seq,time,actor,action,target,outcome,error,detail');
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const line of lines.slice(1)) expect(line.split(',')[2]).toBe(name);
  expect(lines.join('\n')).toContain(`auth.password,${name},error,the current password is wrong`);
  const [jsonl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'JSON lines' }).click(),
  ]);
  const entries = readFileSync((await jsonl.path()) ?? '', 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { actor: string; action: string; seq: number });
  expect(entries.length).toBe(lines.length - 1);
  expect(entries.every((e) => e.actor === name)).toBe(true);
  expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => b - a));
  // A link edited by hand is refused, saying what is wrong, never dropped to export more than was asked.
  for (const [query, says] of [
    ['outcome=maybe', 'outcome: "maybe" is not a valid value'],
    ['format=json', 'format: "json" is not a valid value'],
    [`actor=${name}&actr=x`, 'unknown parameter actr'],
    [`actor=${name}&actor=admin`, 'actor: given more than once'],
  ]) {
    const res = await page.request.get(`/audit/export?${query}`);
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain(says);
  }
  await ada.context().close();
});

test('a viewer and an operator find only their own account; the engine refuses the admin procedures', async ({
  page,
}) => {
  for (const role of ['viewer', 'operator'] as const) {
    await page.context().clearCookies();
    await signIn(page, role);
    const settings = page.getByRole('navigation', { name: 'Pages' }).getByRole('list', { name: 'Settings' });
    await expect(settings.getByRole('link')).toHaveText(['Your account']);
    await settings.getByRole('link', { name: 'Your account' }).click();
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
    await expect(page.getByText('Your role is set by an admin.')).toBeVisible();
    await expectAccessible(page);
    // The command palette offers the pages the role may use, as the sidebar does.
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await page.keyboard.type('a');
    await expect(palette.getByRole('option', { name: 'Your account' })).toBeVisible();
    await expect(palette.getByRole('option', { name: /Audit log|API tokens|Users/ })).toHaveCount(0);
    await page.keyboard.press('Escape');
    for (const [path, title] of [
      ['/users', 'Users'],
      ['/tokens', 'API tokens'],
      ['/audit', 'Audit log'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: title })).toBeVisible();
      await expect(
        page.getByText(`This page needs the admin role; you are signed in as ${role} (${role}).`),
      ).toBeVisible();
      await expect(page.getByRole('button', { name: /Add user|Create token/ })).toHaveCount(0);
    }
    for (const [path, input] of [
      ['users.add', { name: `sneaky-${role}`, role: 'admin', password: 'sneaky password' }],
      ['users.setRole', { name: role, role: 'admin' }],
      ['users.setPassword', { name: 'admin', password: 'taken over!' }],
      ['users.remove', { name: 'admin' }],
      ['users.createToken', { name: 'mine' }],
      ['users.revokeToken', { id: 'any' }],
    ] as const) {
      const refused = await mutateByHand(page, path, input);
      expect({ path, status: refused.status, code: refused.engineCode }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    for (const path of ['users.list', 'users.tokens', 'audit.list'])
      expect(await queryByHand(page, path, {})).toEqual({ status: 403, engineCode: 'FORBIDDEN' });
    const exported = await page.request.get('/audit/export?format=csv');
    expect(exported.status()).toBe(403);
    expect(await exported.text()).toContain('this needs the admin role');
    // The page's question before a download (whether it would download) has the same answer.
    const asked = await page.request.get('/audit/export?format=csv', { headers: { 'x-export-check': '1' } });
    expect(asked.status()).toBe(403);
    expect(await asked.text()).toContain('this needs the admin role');
  }
});

test.describe('in the dark theme', () => {
  test.use({ colorScheme: 'dark' });

  test('the settings pages pass axe', async ({ page }) => {
    await signIn(page, 'admin');
    await expect(page.locator('html')).toHaveClass(/dark/);
    for (const [path, heading] of [
      ['/users', 'Users'],
      ['/tokens', 'API tokens'],
      ['/audit', 'Audit log'],
      ['/account', 'Your account'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
      await expect(page.getByRole('row').nth(1).or(page.getByRole('form'))).toBeVisible();
      await expectAccessible(page);
    }
  });
});
