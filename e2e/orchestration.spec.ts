import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';

// The demo's traffic sends <conduct> to the conductor now and then: it fans the words out through
// system.buffer and chains shouter → greeter through system.sequence (docs/orchestration.md).
test('a thread shows its sequence’s steps and its buffer’s items, each item linked to its own thread', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  // The oldest of the conductor's recent threads: its buffer and sequence have had time to end.
  let threadId = '';
  await expect
    .poll(
      async () =>
        (threadId = await page.evaluate(async () => {
          const input = encodeURIComponent(JSON.stringify({ to: 'conductor', state: 'ACKED', limit: 5 }));
          const res = await fetch(`/trpc/messages.list?input=${input}`);
          const body = (await res.json()) as { result: { data: { items: { threadId: string }[] } } };
          return body.result.data.items.length >= 2 ? (body.result.data.items.at(-1)?.threadId ?? '') : '';
        })),
      { timeout: 90_000 },
    )
    .not.toBe('');
  await page.goto(`/threads/${threadId}`);
  const panel = page.getByRole('region', { name: 'Sequences and buffers' });
  const steps = panel.getByRole('list', { name: /^Steps of sequence / });
  await expect(steps.getByRole('listitem')).toHaveText(['shouter (done)', 'greeter (done)'], {
    timeout: 20_000,
  });
  const items = panel.getByRole('list', { name: /^Items of buffer / });
  await expect(items.getByRole('listitem')).toHaveCount(4);
  await expect(panel).toContainText('4 of 4 answered');
  await expectAccessible(page);
  // Its six participants fit a laptop's 1024 px beside the sidebar: nothing lies past the box's edge.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.locator('main header').first()).toContainText('6 participants');
  const diagram = page.getByTestId('sequence-diagram');
  await expect
    .poll(() =>
      diagram.evaluate(
        (box: { scrollWidth: number; clientWidth: number }) => box.scrollWidth - box.clientWidth,
      ),
    )
    .toBeLessThanOrEqual(0);

  // An item's chip opens its own thread: the buffer's forward to the shouter and the shouter's answer.
  await items.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/threads\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('region', { name: 'Sequence diagram' })).toContainText('system.buffer');
  await expect(page.getByRole('region', { name: 'Sequence diagram' })).toContainText('shouter');
});
