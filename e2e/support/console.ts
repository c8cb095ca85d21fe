import { AxeBuilder } from '@axe-core/playwright';
import { expect } from '@playwright/test';
import type { Cookie, Page } from '@playwright/test';
import { E2E } from './e2e-env.mjs';

type Role = 'admin' | 'operator' | 'viewer';

/**
 * Each role's session cookie, from its first sign-in through the form in this worker. A spec that signs
 * in again as that role starts with the cookie instead of the form: the sign-in page's load and its
 * redirect cost a second or two each, and some 60 specs sign in. A session that no longer holds (signed out,
 * expired) sends the page back to the sign-in page, and the form signs in afresh.
 */
const sessions = new Map<Role, Cookie[]>();
const SESSION_COOKIE = 'organism_session';

/**
 * Signs in as `name` (admin, operator or viewer) and opens `at` (the overview unless said), waiting for
 * the console's frame there, which it draws only for a signed-in user. A spec that starts on another page
 * says so here rather than going there after: each page a browser loads afresh costs its renderer a
 * second or so on these machines, and the e2e are bound by their CPU.
 */
export async function signIn(page: Page, name: Role, at = '/'): Promise<void> {
  const saved = sessions.get(name);
  if (saved) {
    await page.context().addCookies(saved);
    await page.goto(at);
    const frame = page.getByRole('navigation', { name: 'Pages', exact: true });
    await expect(frame.or(page.getByRole('button', { name: 'Sign in' }))).toBeVisible();
    if (await frame.isVisible()) return;
    sessions.delete(name);
    await page.context().clearCookies();
  }
  await signInWithForm(page, name, at);
  sessions.set(
    name,
    (await page.context().cookies()).filter((c) => c.name === SESSION_COOKIE),
  );
}

/**
 * Signs in through the form as `name` on a page with no session, opening `at` (the overview unless said):
 * the console sends it to sign-in, and back there after.
 */
export async function signInWithForm(page: Page, name: Role, at = '/'): Promise<void> {
  await page.goto(at);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(E2E.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Pages', exact: true })).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname + url.search === at);
}

/**
 * No serious or critical accessibility violations on the page as it stands, once what is fading in or out
 * has finished (a toast halfway through its fade reads as low contrast). Endless animations (a listener's
 * pulse, a spinner) are not waited for.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // The root tsconfig has no DOM library: the little of it used here, typed by hand.
    interface Running {
      finished: Promise<unknown>;
      effect: { getComputedTiming(): { iterations?: number | null } } | null;
    }
    const doc = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document;
    const ending = doc.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    // A cancelled animation rejects `finished`: it is over all the same.
    await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
  });
  // A toast fades out under JavaScript's control, which no animation above waits for: let it go first.
  await expect(page.locator('[data-sonner-toast]')).toHaveCount(0, { timeout: 15_000 });
  // Only violations are gathered in full (axe's resultTypes). Legacy mode runs `axe.run` in the page
  // itself; the default gathers each frame's partial results and finishes them in a blank page it opens
  // for every check, which took 2–3 times as long here (the overview 3.0–3.7 s against 1.5–1.6, the map
  // 16–19 s against 7–8). It leaves out cross-origin frames, and the console has none.
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id}: ${v.help}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('; ')}`,
    ),
  ).toEqual([]);
}

/** Sends a tRPC mutation by hand from the page, with its session cookie: what a script could send. */
export async function mutateByHand(
  page: Page,
  path: string,
  input: unknown,
): Promise<{ status: number; data: unknown; engineCode: string | undefined }> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const body = (await res.json()) as {
        result?: { data: unknown };
        error?: { data?: { engineCode?: string } };
      };
      return { status: res.status, data: body.result?.data, engineCode: body.error?.data?.engineCode };
    },
    { path, input },
  );
}

/** The engine takes at most this many calls in one batched request. */
const MAX_BATCH = 50;

/**
 * Sends a payload `times` times from the console as the signed-in user (`messages.inject`), in batched
 * requests sent together so they are all queued at once; answers the thread of the first.
 */
export async function inject(
  page: Page,
  to: string,
  payloadXml: string,
  thread?: string,
  times = 1,
): Promise<string> {
  return page.evaluate(
    async ({ times, batch, ...input }) => {
      const send = async (n: number): Promise<string> => {
        const names = Array.from({ length: n }, () => 'messages.inject').join(',');
        const body = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), input]));
        const res = await fetch(`/trpc/${names}?batch=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const answers = (await res.json()) as { result?: { data: { threadId: string } } }[];
        const first = answers[0]?.result?.data.threadId;
        if (!res.ok || !first) throw new Error(`inject answered ${res.status}: ${JSON.stringify(answers)}`);
        return first;
      };
      const sizes = Array.from({ length: Math.ceil(times / batch) }, (_, i) =>
        Math.min(batch, times - i * batch),
      );
      const [first] = await Promise.all(sizes.map(send));
      return first ?? '';
    },
    { to, payloadXml, thread, times, batch: MAX_BATCH },
  );
}

/** Sends a tRPC query by hand from the page, with its session cookie: what a script could send. */
export async function queryByHand(
  page: Page,
  path: string,
  input: unknown,
): Promise<{ status: number; engineCode?: string }> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
      const body = (await res.json()) as { error?: { data?: { engineCode?: string } } };
      return { status: res.status, engineCode: body.error?.data?.engineCode };
    },
    { path, input },
  );
}

/** Counts the calls of a tRPC procedure the page makes from now on (batched calls each count). */
export function callsOf(page: Page, procedure: string): () => number {
  let n = 0;
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (!path.startsWith('/trpc/')) return;
    n += path
      .slice('/trpc/'.length)
      .split(',')
      .filter((p) => p === procedure).length;
  });
  return () => n;
}
