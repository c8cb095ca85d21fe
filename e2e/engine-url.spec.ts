import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startConsole, until } from '../scripts/console-build.mjs';
import { freePort } from '../scripts/postgres.mjs';
import { E2E } from './support/e2e-env.mjs';

// The e2e build (`.next-e2e`) was made without any engine URL: the rest of the suite runs it against the
// e2e engine's, and this file against others, each given only as the console starts. A free port taken
// and let go (`freePort`) stands for an engine that is not there.

/** A console of the e2e build in front of `engines` (ORGANISM_ENGINE_URL), once it answers. */
async function consoleBefore(engines: string): Promise<{ url: string; next: ChildProcess }> {
  const port = await freePort();
  const next = startConsole(spawn, engines, port, '.next-e2e');
  const url = `http://127.0.0.1:${port}`;
  await until('the console', async () => (await fetch(`${url}/sign-in`)).ok, 60_000);
  return { url, next };
}

/** Fills the sign-in form of the console at `url` and sends it. */
async function signInAt(page: Page, url: string, password: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const stop = async (c: ChildProcess): Promise<void> => {
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  await once(c, 'exit');
};

test('a console started with an engine URL it cannot use stops at once and says why', async () => {
  const next = startConsole(
    spawn,
    'ftp://engine.internal',
    await freePort(),
    '.next-e2e',
    '127.0.0.1',
    'pipe',
  );
  let stderr = '';
  next.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const [code] = (await once(next, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(
      'organism console: ORGANISM_ENGINE_URL must be http:// or https://, not ftp:// ("ftp://engine.internal")',
    );
  } finally {
    await stop(next);
  }
});

test('the console appends the address each request came from to X-Forwarded-For, so a browser cannot choose the address its sign-ins count under', async () => {
  // An engine that answers every call and keeps the header the console sent it.
  const seen: (string | undefined)[] = [];
  const engine = createServer((req, res) => {
    const header = req.headers['x-forwarded-for'];
    seen.push(Array.isArray(header) ? header.join(', ') : header);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":{"data":null}}');
  });
  engine.listen(0, '127.0.0.1');
  await once(engine, 'listening');
  const { port } = engine.address() as AddressInfo;
  const { url, next } = await consoleBefore(`http://127.0.0.1:${port}`);
  try {
    const ask = async (headers: Record<string, string>): Promise<string | undefined> => {
      const res = await fetch(`${url}/trpc/organism.status`, { headers });
      expect(res.status).toBe(200);
      return seen.at(-1);
    };
    // The browser is on this machine, so its socket's address is 127.0.0.1: last, where the engine reads first.
    expect(await ask({})).toBe('127.0.0.1');
    expect(await ask({ 'x-forwarded-for': '203.0.113.7' })).toBe('203.0.113.7, 127.0.0.1');
    expect(await ask({ 'x-forwarded-for': '203.0.113.7, 198.51.100.1' })).toBe(
      '203.0.113.7, 198.51.100.1, 127.0.0.1',
    );
  } finally {
    await stop(next);
    engine.close();
  }
});

test('a console whose engine does not answer says so: a 502 for calls, and the sign-in form says the engine could not be reached', async ({
  page,
}) => {
  const { url, next } = await consoleBefore(`http://127.0.0.1:${await freePort()}`);
  try {
    const call = await fetch(`${url}/trpc/organism.status`);
    expect(call.status).toBe(502);
    expect(((await call.json()) as { error: { message: string } }).error.message).toBe(
      'The console could not reach the engine. It may be restarting; try again shortly.',
    );

    // Signing in is a mutation no engine took: it says nothing was done.
    await signInAt(page, url, 'anything-at-all');
    await expect(page.getByRole('alert').filter({ hasText: /./ })).toHaveText(
      'The engine could not be reached, so this was not done. It may be restarting: try again once it answers.',
    );
  } finally {
    await stop(next);
  }
});

test('a console given several engines talks to the next when the first does not answer: sign-in, the overview and its live figures', async ({
  page,
}) => {
  const { url, next } = await consoleBefore(`http://127.0.0.1:${await freePort()},${E2E.engineUrl}`);
  try {
    await signInAt(page, url, E2E.password); // a mutation, sent on to the second engine
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // The event stream reaches the console through the second engine too.
    await expect(
      page.getByRole('status').filter({ hasText: /^(live|reconnecting|engine away)$/ }),
    ).toHaveText('live');
    // Stopped with the page still open: the console ends the page's event stream, which Next.js would
    // otherwise wait for as long as the browser stays.
    const asked = Date.now();
    await stop(next);
    expect(Date.now() - asked).toBeLessThan(10_000);
  } finally {
    await stop(next);
  }
});
