import { TRPCClientError } from '@trpc/client';
import { expect, it } from 'vitest';
import { EXPORT_CHECK_HEADER } from '../export-check';
import { isExportCheck, pagedDownload } from './paged-download';

interface Page {
  items: string[];
  nextCursor: string | null;
}

/** An engine of `pages` pages of lines, recording what each read asked for. */
function engine(pages: string[][]) {
  const asked: { cursor?: string; limit?: number }[] = [];
  const page = (cursor?: string, limit?: number): Promise<Page> => {
    asked.push({ cursor, limit });
    const i = cursor ? Number(cursor) : 0;
    const items = (pages[i] ?? []).slice(0, limit);
    return Promise.resolve({ items, nextCursor: i + 1 < pages.length ? String(i + 1) : null });
  };
  return { asked, page };
}

const download = (e: Pick<ReturnType<typeof engine>, 'page'>, check = false, turnWaitMs?: number) =>
  pagedDownload<Page>({
    what: 'the messages',
    filename: 'm.jsonl',
    contentType: 'application/x-ndjson',
    page: e.page,
    render: (p) => p.items.map((x) => `${x}\n`).join(''),
    tail: 'end\n',
    check,
    turnWaitMs,
  });

it('walks the pages as the download is read, the tail after the last', async () => {
  const e = engine([['a', 'b'], [], ['c']]);
  const res = await download(e);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="m.jsonl"');
  expect(await res.text()).toBe('a\nb\nc\nend\n');
  expect(e.asked).toEqual([
    { cursor: undefined, limit: undefined },
    { cursor: '1', limit: undefined },
    { cursor: '2', limit: undefined },
  ]);
});

it('answers a check with 204 after reading one entry, and no file', async () => {
  const e = engine([['a', 'b'], ['c']]);
  const res = await download(e, true);
  expect(res.status).toBe(204);
  expect(await res.text()).toBe('');
  expect(e.asked).toEqual([{ cursor: undefined, limit: 1 }]);
});

it("answers a check the engine refuses with the engine's status and words", async () => {
  const refused = {
    asked: [],
    page: (): Promise<Page> =>
      Promise.reject(
        TRPCClientError.from({
          error: { message: 'sign in first', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } },
        }),
      ),
  };
  const res = await download(refused, true);
  expect(res.status).toBe(401);
  expect(await res.text()).toBe('The messages could not be exported: sign in first\n');
});

it('tells a check from a download by its header', () => {
  expect(
    isExportCheck(new Request('http://x/messages/export', { headers: { [EXPORT_CHECK_HEADER]: '1' } })),
  ).toBe(true);
  expect(isExportCheck(new Request('http://x/messages/export'))).toBe(false);
});

/** The engine's answer to a user with too many searches and exports at once. */
const busy = () =>
  TRPCClientError.from({
    error: {
      message: 'you have 4 searches and exports running or waiting, the most one user may',
      code: -32029,
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 },
    },
  });

it('waits for a turn when a later page finds the user with too many exports at once, and ends the file whole', async () => {
  const e = engine([['a'], ['b'], ['c']]);
  let refusals = 3;
  const page = (cursor?: string, limit?: number): Promise<Page> =>
    cursor === '1' && refusals-- > 0 ? Promise.reject(busy()) : e.page(cursor, limit);
  const res = await download({ page });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('a\nb\nc\nend\n');
  expect(refusals).toBe(-1);
});

it('fails the download when a later page waits too long for a turn, or fails otherwise', async () => {
  const e = engine([['a'], ['b']]);
  const always = (cursor?: string, limit?: number): Promise<Page> =>
    cursor ? Promise.reject(busy()) : e.page(cursor, limit);
  const res = await download({ page: always }, false, 300);
  await expect(res.text()).rejects.toThrow();
  const broken = (cursor?: string, limit?: number): Promise<Page> =>
    cursor ? Promise.reject(new Error('socket hang up')) : e.page(cursor, limit);
  await expect((await download({ page: broken })).text()).rejects.toThrow();
});
