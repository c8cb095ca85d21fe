/**
 * The console benches' stack: an engine under its supervisor on the smoothness bench's own ports, the
 * console's production build (into apps/web/.next-bench, rebuilt only when its sources changed) in front
 * of it, a producer token for load, and Debian's Chromium signed in as the first admin.
 * Used by console-smoothness.ts and console-first-page.ts.
 */
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildConsoleIfStale, root, startConsole, until } from '../../scripts/console-build.mjs';

export const ENGINE_PORT = 7301;
export const CONSOLE_PORT = 3301;
export const engineUrl = `http://127.0.0.1:${ENGINE_PORT}`;
export const consoleUrl = `http://127.0.0.1:${CONSOLE_PORT}`;
const PASSWORD = 'bench-password-1234';
const cli = join(root, 'apps/engine/bin/organism.js');

export interface Stack {
  /** A producer token (`Bearer …`) for POST /messages. */
  token: string;
  /** Stops the console and the engine (SIGTERM), and waits for both to exit. */
  stop(): Promise<void>;
}

/** Builds the console if stale, then starts the engine on `organism` and the console; resolves once both answer. */
export async function startStack(
  organism: string,
  log: (line: string) => void = console.log,
): Promise<Stack> {
  buildConsoleIfStale('.next-bench', log);
  const created = spawnSync(process.execPath, [cli, 'token', 'create', 'load', '-c', organism], {
    encoding: 'utf8',
  });
  const token = /org_[\w-]+/.exec(created.stdout)?.[0];
  if (!token) throw new Error(`no token: ${created.stdout}${created.stderr}`);
  const children: ReturnType<typeof spawn>[] = [];
  const kill = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.on('exit', kill);
  children.push(
    spawn(process.execPath, [cli, 'start', organism, '--port', String(ENGINE_PORT), '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ORGANISM_ADMIN_PASSWORD: PASSWORD },
    }),
  );
  await until('the engine', async () => (await fetch(`${engineUrl}/healthz`)).ok);
  children.push(startConsole(spawn, engineUrl, CONSOLE_PORT, '.next-bench'));
  await until('the console', async () => (await fetch(`${consoleUrl}/sign-in`)).ok);
  return {
    token,
    stop: async () => {
      const exited = children.map(
        (c) => new Promise<void>((r) => (c.exitCode === null ? c.once('exit', () => r()) : r())),
      );
      kill();
      await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}

/** Debian's Chromium with one 1440×900 page, signed in as the first admin (the Overview is showing). */
export async function signedInBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${consoleUrl}/sign-in`);
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return { browser, page };
}
