import { expect } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { E2E } from './e2e-env.mjs';

/** Signs in through the form as any user and waits for the overview. */
export async function signInAs(page: Page, name: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** A page of its own (cookies and all) for a second person. */
export async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ baseURL: E2E.consoleUrl })).newPage();
}

/**
 * The request in the page's curl example, read as a shell would: `curl -sS -X POST 'url' -H '…' -H '…'
 * --data-binary '…'`, every argument in single quotes (`'\''` for a quote inside).
 */
export function parseCurl(command: string): { url: string; headers: Record<string, string>; body: string } {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of command.replace(/\\\n/g, ' ').matchAll(re))
    words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] ?? ''));
  expect(words.slice(0, 4)).toEqual(['curl', '-sS', '-X', 'POST']);
  const headers: Record<string, string> = {};
  let body = '';
  for (let i = 5; i < words.length; i += 2) {
    const value = words[i + 1] ?? '';
    if (words[i] === '-H') {
      const [name = '', ...rest] = value.split(':');
      headers[name.trim().toLowerCase()] = rest.join(':').trim();
    } else if (words[i] === '--data-binary') body = value;
    else throw new Error(`unexpected curl argument ${words[i]}`);
  }
  return { url: words[4] ?? '', headers, body };
}
