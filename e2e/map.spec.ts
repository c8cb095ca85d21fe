import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';
import { E2E } from './support/e2e-env.mjs';

// The map keeps redrawing while traffic flows; axe over it takes a while on a busy machine.
test.describe.configure({ timeout: 120_000 });

test('the map shows listeners, the producer and live routes, and a node opens its listener', async ({
  page,
}) => {
  await signIn(page, 'viewer');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Map' }).click();
  await expect(page).toHaveURL(/\/map$/);
  await expect(page.getByRole('heading', { name: 'Map' })).toBeVisible();
  const map = page.getByRole('application', { name: /Map of the organism/ });
  await expect(map).toBeVisible();
  // Every listener of the demo is a node; the traffic generator is an outside producer.
  for (const name of ['greeter', 'shouter', 'tools.calculator', 'orders', 'planner', 'sleeper'])
    await expect(map.getByRole('link', { name: new RegExp(`^${name}: `) })).toBeVisible();
  await expect(map.getByRole('link', { name: /^outside producer traffic/ })).toBeVisible();
  // The summary counts the organism's own listeners, one per box; the engine's system.* ones are counted
  // apart while messages reach them (system.boot's at start), so that the count stays when they leave.
  const boxes = map.getByRole('link', { name: /^(?!system\.)[\w.-]+: / });
  await expect(page.locator('main header p').first()).toContainText(
    new RegExp(`^${await boxes.count()} listeners( \\+ \\d+ system)? · `),
  );
  // The routes messages took, with their rates, as lines and as the table under the map.
  const routes = page.getByRole('region', { name: 'Routes' });
  const greeting = routes.getByRole('row').filter({ hasText: 'traffic' }).filter({ hasText: 'greeter' });
  await expect(greeting.first()).toBeVisible({ timeout: 30_000 });
  // The rates are printed once ELK's layout is drawn: on a busy machine its first one takes a while.
  await expect(map.getByRole('link', { name: /^messages from traffic to greeter: [\d.]+\/s/ })).toBeVisible({
    timeout: 60_000,
  });
  await expectAccessible(page);

  // The routes of the last hour instead of five minutes, chosen from the keyboard, kept in the URL; the
  // summary says over what they count (since the engine started, when that was less than an hour ago).
  const over = page.getByRole('radiogroup', { name: 'Routes over' });
  await expect(over.getByRole('radio', { checked: true })).toHaveText('5 min');
  await expect(page.locator('main header p').first()).toContainText(
    /routes? (in the last 5 min|since the engine started \d+ (s|min) ago) · /,
  );
  await over.getByRole('radio', { name: '5 min', exact: true }).focus();
  await page.keyboard.press('End');
  await expect(page).toHaveURL(/\/map\?window=1h$/);
  await expect(over.getByRole('radio', { name: '1 h', exact: true })).toBeFocused();
  await expect(page.locator('main header p').first()).toContainText(
    /routes? (in the last 1 h|since the engine started \d+ (s|min) ago) · /,
  );
  await expect(greeting.first()).toBeVisible();
  await page.reload();
  await expect(over.getByRole('radio', { checked: true })).toHaveText('1 h');
  await expect(greeting.first()).toBeVisible({ timeout: 30_000 });

  // At 1280 px the map opens at a readable zoom from its left, and what an earlier spec added to this
  // stack's organism (a listener, an included file) can put greeter beyond the window: fit it all first,
  // as a user would, so that the click lands on the box and not on what is drawn over where it lies.
  await page.getByRole('button', { name: /fit view/i }).click();
  await map.getByRole('link', { name: /^greeter: / }).click();
  await expect(page).toHaveURL(/\/listeners\/greeter$/);
  await expect(page.getByRole('heading', { name: 'greeter', level: 1 })).toBeVisible();
});

test('messages move along the busy routes; nothing moves for someone who asked for less motion', async ({
  page,
}) => {
  await signIn(page, 'viewer', '/map');
  const map = page.getByRole('application', { name: /Map of the organism/ });
  const rate = map.getByRole('link', { name: /^messages from traffic to greeter: / });
  await expect(rate).toBeVisible({ timeout: 60_000 });
  // Only the dots left to see (boxes, lines, rates and the grid hidden): two pictures a moment apart differ
  // only if dots are drawn and they moved.
  await page.addStyleTag({
    content: '.organism-map svg, .organism-map .react-flow__nodes, .organism-map a { visibility: hidden }',
  });
  const dots = page.getByTestId('map-dots');
  const first = await dots.screenshot();
  await page.waitForTimeout(250);
  expect((await dots.screenshot()).equals(first)).toBe(false);

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await expect(dots).toHaveCount(0);
  await page.reload();
  await expect(rate).toBeVisible({ timeout: 60_000 });
  await expect(dots).toHaveCount(0);
});

test('a route opens the messages that took it; a node opens from the keyboard', async ({ page }) => {
  await signIn(page, 'viewer', '/map');
  const map = page.getByRole('application', { name: /Map of the organism/ });
  const rate = map.getByRole('link', { name: /^messages from traffic to orders: / });
  await expect(rate).toBeVisible({ timeout: 60_000 });
  await rate.click();
  await expect(page).toHaveURL(/\/messages\?from=traffic&to=orders$/);

  // The routes table under the map opens the same list from the keyboard (a row, then Enter).
  await page.goto('/map');
  const route = page
    .getByRole('region', { name: 'Routes' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'messages from traffic to orders', exact: true }) });
  await route.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/messages\?from=traffic&to=orders$/);

  await page.goto('/map');
  const orders = page.getByRole('link', { name: /^orders: / });
  await orders.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/listeners\/orders$/);
});

test('the map does not move its boxes while the numbers change', async ({ page }) => {
  // Routes that the other worker's specs open meanwhile lay the map out again: it may take a few looks.
  test.setTimeout(120_000);
  await signIn(page, 'viewer', '/map');
  const map = page.getByRole('application', { name: /Map of the organism/ });
  // Wait until the demo's traffic has taken every route it takes (the table stops growing), so the
  // layout is final; from then on only numbers change.
  const rows = page.getByRole('region', { name: 'Routes' }).getByRole('row');
  let last = -1;
  await expect
    .poll(
      async () => {
        const n = await rows.count();
        const settled = n === last && n > 14;
        last = n;
        return settled;
      },
      { intervals: [3_000], timeout: 60_000 },
    )
    .toBe(true);
  // And ELK's layout has replaced the quick first placement (quick-layout.ts), and the boxes have
  // finished gliding there.
  await expect(map).toHaveAttribute('data-layout', 'final', { timeout: 30_000 });
  // The view is the operator's from here (fitted by hand, as on a map that an earlier spec's listeners
  // made too big for the window): a new layout no longer refits it. Measured in a view the map fitted
  // itself, greeter once read 7.5 px left and 2 px lower with no new drawing (CI at 97f0eca): this spec
  // asks whether new numbers move the boxes, not the view or the page around them.
  await page.getByRole('button', { name: /fit view/i }).click();
  const greeter = map.getByRole('link', { name: /^greeter: / });
  const label = async () => (await greeter.getAttribute('aria-label')) ?? '';
  // A route that an earlier spec took once can leave the map's 5-minute window meanwhile (and come back):
  // the map is then laid out again for a reason of its own, and the boxes are measured again (a few times
  // at most). The drawing says its number; a new number is a new layout.
  const drawing = async () => (await map.getAttribute('data-drawing')) ?? '';
  // Where greeter's box is in the map: the map itself moves down a line when the summary above it wraps.
  const placed = async () => {
    const [b, m] = await Promise.all([greeter.boundingBox(), map.boundingBox()]);
    return b && m && { x: b.x - m.x, y: b.y - m.y, width: b.width, height: b.height };
  };
  // A box at rest: the same place in two looks a moment apart (a fit of the view takes a frame or a glide).
  const rest = async () => {
    let box = await placed();
    await expect
      .poll(async () => {
        const was = box;
        box = await placed();
        return JSON.stringify(box) === JSON.stringify(was) && (await map.getAttribute('data-layout'));
      })
      .toBe('final');
    return box;
  };
  // Measured before the drawing is read again: a layout that lands between the two reads is seen.
  // While routes keep coming and going, the spec looks again, until its timeout.
  for (;;) {
    const before = { drawing: await drawing(), box: await rest(), label: await label() };
    await expect.poll(label, { timeout: 20_000 }).not.toBe(before.label);
    const after = await placed();
    if ((await drawing()) !== before.drawing) continue;
    expect(after).toEqual(before.box);
    break;
  }
});

test('a failing listener stands out on the map', async ({ page }) => {
  await signIn(page, 'viewer', '/map');
  // The demo's calculator is sent a division by zero: its failures count up and its route turns red.
  const calculator = page.getByRole('link', { name: /^tools\.calculator: / });
  await expect(calculator).toHaveAttribute(
    'aria-label',
    /^tools\.calculator: failing, .*[1-9][\d,]* failed/,
    {
      timeout: 30_000,
    },
  );
  await expect(
    page
      .getByRole('region', { name: 'Routes' })
      .getByRole('row')
      .filter({ hasText: 'tools.calculator' })
      .first(),
  ).toBeVisible();
});

test('on a laptop the map opens readable from its left, and says the rest is a drag or a fit away; opened for a listener, shows it', async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 1024, height: 720 },
    baseURL: E2E.consoleUrl,
  });
  const page = await context.newPage();
  try {
    await signIn(page, 'viewer', '/map');
    const note = page.getByText('More of the map lies beyond the window');
    await expect(note).toBeVisible();
    // Readable: the zoom the drawing opens at is the readable one, not the fit that made it 5 px (read
    // until it settles: on a busy machine the first read can catch the viewport on its way there).
    const scale = async () =>
      Number(
        /scale\(([\d.]+)\)/.exec(
          (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '',
        )?.[1],
      );
    await expect.poll(scale).toBeCloseTo(0.75, 2);
    await page.getByRole('button', { name: /fit view/i }).click();
    await expect(note).toBeHidden();

    // Opened for a listener that lies beyond the window, it moves just enough to show that one whole.
    const map = page.getByRole('application', { name: /Map of the organism/ });
    // ELK's placement, fitted (the quick first one is fitted too, and its boxes lie elsewhere).
    const settled = async () => {
      await expect(map).toHaveAttribute('data-layout', 'final', { timeout: 30_000 });
      await expect(note).toBeVisible();
      await expect.poll(scale).toBeCloseTo(0.75, 2);
      await page.waitForTimeout(500);
    };
    await page.reload();
    await settled();
    let frame = (await page.locator('.react-flow').boundingBox())!;
    type Box = { x: number; y: number; width: number; height: number };
    const inside = (b: Box | null) =>
      !!b &&
      b.x >= frame.x &&
      b.y >= frame.y &&
      b.x + b.width <= frame.x + frame.width &&
      b.y + b.height <= frame.y + frame.height;
    const boxes = page.locator('.react-flow__node-listener');
    let beyond: string | null = null;
    for (const box of await boxes.all())
      if (!inside(await box.boundingBox())) beyond = await box.getAttribute('data-id');
    expect(beyond, 'a listener box out of view at the readable zoom').not.toBeNull();
    await page.goto(`/map?focus=${encodeURIComponent(beyond!)}`);
    await settled();
    // The frame itself moved down a line ("Showing the routes of …").
    frame = (await page.locator('.react-flow').boundingBox())!;
    const focused = page.locator(`.react-flow__node[data-id="${beyond}"]`);
    await expect.poll(async () => inside(await focused.boundingBox())).toBe(true);
  } finally {
    await context.close();
  }
});
