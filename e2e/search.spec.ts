import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Download, Page } from '@playwright/test';
import { expectAccessible, signIn } from './support/console.ts';

/** Clicks a download link and reads the file it brings. */
async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: link, exact: true }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path()) ?? '', 'utf8') };
}

/** The XML export read by the browser's own parser: whether it is well-formed, and each entry's facts. */
async function readXmlExport(page: Page, xml: string) {
  return page.evaluate((text) => {
    // The root tsconfig has no DOM library: the little of it used here, typed by hand.
    interface El {
      namespaceURI: string | null;
      localName: string;
      getAttribute(name: string): string | null;
      firstElementChild: El | null;
      lastElementChild: El | null;
    }
    interface Doc {
      documentElement: El;
      getElementsByTagName(name: string): { length: number };
      getElementsByTagNameNS(ns: string, name: string): Iterable<El>;
    }
    const { DOMParser } = globalThis as unknown as {
      DOMParser: new () => { parseFromString(text: string, type: string): Doc };
    };
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const NS = 'urn:organism:export:v1';
    return {
      malformed: doc.getElementsByTagName('parsererror').length > 0,
      root: `${doc.documentElement.namespaceURI} ${doc.documentElement.localName}`,
      entries: [...doc.getElementsByTagNameNS(NS, 'entry')].map((e) => ({
        to: e.getAttribute('to'),
        state: e.getAttribute('state'),
        // The envelope's payload, with its own namespace: the export's does not leak into it.
        payloadNs: e.firstElementChild?.lastElementChild?.namespaceURI ?? null,
        payload: e.firstElementChild?.lastElementChild?.localName ?? null,
      })),
    };
  }, xml);
}

test('search payloads by text and by XPath, open a hit, see a bad XPath refused at its box', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, 'viewer');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { name: 'Search' })).toBeVisible();
  await expect(page.getByText('Type words to find in payloads, an XPath, or both.')).toBeVisible();
  await expectAccessible(page);

  // Text, within a listener: the words are marked in each hit.
  await page.getByLabel('Listener').selectOption('orders');
  await page.getByLabel('Text').fill('acme');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/[?&]to=orders/);
  await expect(page).toHaveURL(/[?&]text=acme/);
  const results = page.getByRole('table', { name: 'Search results' });
  await expect(results.getByRole('row').nth(1)).toBeVisible();
  await expect(results.getByRole('row').nth(1).locator('mark')).toHaveText(/^ACME$/);
  await expect(page.getByText(/hits, newest first/)).toBeVisible();
  await expectAccessible(page);

  // An XPath alone: every order with a widget line, the match shown.
  await page.getByLabel('Text').fill('');
  await page.getByLabel('XPath').fill("/order[line/sku = 'widget']");
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/[?&]xpath=/);
  await expect(page).not.toHaveURL(/[?&]text=/);
  const first = results.getByRole('row').nth(1);
  await expect(first).toContainText('order: ACME');
  const id = (await first.getByRole('link').first().getAttribute('href'))?.split('/').pop() ?? '';
  expect(id).not.toBe('');

  // Open the hit, and come back to the same search.
  await first.getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/messages/${id}$`));
  await expect(page.getByText('<customer>ACME').first()).toBeVisible();
  await page.goBack();
  await expect(page.getByLabel('XPath')).toHaveValue("/order[line/sku = 'widget']");

  // A bad XPath is refused at its box, saying what is wrong; nothing is searched.
  await page.getByLabel('XPath').fill('/order[');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const xpath = page.getByLabel('XPath');
  await expect(xpath).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('not an XPath 1.0 expression: invalid expression')).toBeVisible();
  await expect(page.getByText('Nothing was searched: correct what is marked above.')).toBeVisible();
  await expectAccessible(page);

  // An XPath that matches nothing (the root is `order`) is advised on its names and path, not on words;
  // only the filters set are offered to widen. The last minute keeps the scan under its budget.
  const since = new Date(Date.now() - 60_000).toISOString();
  await page.goto(`/search?to=orders&xpath=${encodeURIComponent('/Order')}&since=${since}`);
  const advice = results.getByText(/^No message matches the XPath\. Check its element names, local names/);
  await expect(advice).toBeVisible();
  await expect(advice).toContainText('namespaces removed');
  await expect(advice).toContainText('Or try a wider time range or any listener.');
  await expect(advice).not.toContainText('words');
});

test('export a search and a filtered list, as one XML document and as JSON lines', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'viewer');

  // A search's every hit, as XML: one well-formed document, an entry per message with its envelope.
  await page.goto(`/search?to=orders&xpath=${encodeURIComponent("/order[line/sku = 'widget']")}`);
  await expect(page.getByRole('table', { name: 'Search results' }).getByRole('row').nth(1)).toBeVisible();
  const xml = await download(page, 'XML');
  expect(xml.name).toMatch(/^messages-.*\.xml$/);
  expect(xml.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<x:messages')).toBe(true);
  const read = await readXmlExport(page, xml.text);
  expect(read.malformed).toBe(false);
  expect(read.root).toBe('urn:organism:export:v1 messages');
  expect(read.entries.length).toBeGreaterThan(0);
  for (const e of read.entries) {
    expect(e).toMatchObject({ to: 'orders', payload: 'order', payloadNs: 'urn:organism:demo:orders' });
  }

  // The messages page's filtered list, as JSON lines: one entry per line, each with its envelope.
  await page.goto('/messages?from=traffic&to=greeter&state=ACKED');
  await expect(page.getByRole('table', { name: 'Messages' }).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByText('Export what matches:')).toBeVisible();
  const jsonl = await download(page, 'JSON lines');
  expect(jsonl.name).toMatch(/^messages-.*\.jsonl$/);
  const lines = jsonl.text
    .trimEnd()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { from: string; to: string; state: string; createdAt: number; envelopeXml: string },
    );
  expect(lines.length).toBeGreaterThan(0);
  for (const m of lines) {
    expect(m).toMatchObject({ from: 'traffic', to: 'greeter', state: 'ACKED' });
    expect(m.envelopeXml).toContain('<env:to>greeter</env:to>');
    expect(m.envelopeXml).toContain('<greeting');
  }
  const times = lines.map((m) => m.createdAt);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  await expectAccessible(page);

  // Asked only whether it would download (what a click asks first), the export answers 204 with no file.
  const href = (await page.getByRole('link', { name: 'JSON lines' }).getAttribute('href')) ?? '';
  expect(href).toMatch(/^\/messages\/export\?/);
  const asked = await page.request.get(href, { headers: { 'x-export-check': '1' } });
  expect(asked.status()).toBe(204);
  expect(await asked.body()).toHaveLength(0);

  // A link edited by hand: a misspelt key or a bad value is refused, never dropped to export everything.
  for (const [query, says] of [
    ['state=NOPE', 'state: "NOPE" is not a valid value'],
    ['format=bogus', 'format: "bogus" is not a valid value'],
    ['to=greeter&stat=FAILED', 'unknown parameter stat'],
  ]) {
    const res = await page.request.get(`/messages/export?${query}`);
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain(says);
  }
});

test('a listener page opens the search within that listener', async ({ page }) => {
  await signIn(page, 'viewer', '/listeners/orders');
  await page.getByRole('link', { name: 'Search payloads' }).click();
  await expect(page).toHaveURL(/\/search\?to=orders$/);
  await expect(page.getByLabel('Listener')).toHaveValue('orders');
});
