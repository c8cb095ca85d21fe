import type { AppRouter } from '@organism/engine';
import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { EXPORT_CHECK_HEADER } from '../export-check';
import { engineChoice } from './engine-proxy';
import { onEngine } from './engine-url';

/** The engine as the signed-in caller of `req`: their session cookie goes along, and the engine checks the role. */
export function engineFor(req: Request): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: onEngine(engineChoice().current(), '/trpc').href,
        headers: { cookie: req.headers.get('cookie') ?? '' },
      }),
    ],
  });
}

export interface PagedDownload<P extends { nextCursor: string | null }> {
  /** What is downloaded, for a refusal's text: "the audit log", "the messages". */
  what: string;
  filename: string;
  contentType: string;
  /** One page from the engine: the first without a cursor; `limit` entries when given (a check's one). */
  page(cursor?: string, limit?: number): Promise<P>;
  /** A page as text. May be empty (a search's page that spent its scan budget): the next is read then. */
  render(page: P): string;
  head?: string;
  tail?: string;
  /**
   * Only whether it would download (the page's `EXPORT_CHECK_HEADER`, `isExportCheck`): one entry is read
   * to learn the engine's answer, and the answer is 204 or the refusal, with no file.
   */
  check?: boolean;
  /** `TURN_WAIT_MS` unless given (a test's shorter wait). */
  turnWaitMs?: number;
}

/** Whether `req` only asks if its export would download (`PagedDownload.check`). */
export const isExportCheck = (req: Request): boolean => req.headers.has(EXPORT_CHECK_HEADER);

/**
 * A download that walks the engine's keyset pages one at a time as the browser reads (the stream's pull),
 * so neither the engine, this server nor the browser holds more than a page of a long list. The first page
 * is read before answering, so a refusal (signed out, the wrong role, a bad filter) is a status with a line
 * of text, not a file; a failure later fails the download rather than leaving a file that looks whole. A
 * check (`check`) stops there, having read one entry.
 */
export async function pagedDownload<P extends { nextCursor: string | null }>(
  d: PagedDownload<P>,
): Promise<Response> {
  let first: P;
  try {
    first = await d.page(undefined, d.check ? 1 : undefined);
  } catch (err) {
    return refusal(d.what, err);
  }
  if (d.check) return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  const encoder = new TextEncoder();
  let cursor = first.nextCursor;
  const tail = () => (cursor ? '' : (d.tail ?? ''));
  const body = new ReadableStream<Uint8Array>({
    start(out) {
      out.enqueue(encoder.encode((d.head ?? '') + d.render(first) + tail()));
      if (!cursor) out.close();
    },
    async pull(out) {
      try {
        let text = '';
        while (cursor && !text) {
          const next = await laterPage(d, cursor);
          text = d.render(next);
          cursor = next.nextCursor;
        }
        out.enqueue(encoder.encode(text + tail()));
        if (!cursor) out.close();
      } catch (err) {
        out.error(err);
      }
    },
  });
  return new Response(body, {
    headers: {
      'content-type': d.contentType,
      'content-disposition': `attachment; filename="${d.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/** How long a later page waits for its turn at most, all told, before the download fails. */
export const TURN_WAIT_MS = 120_000;

/**
 * A page after the first. The engine runs a user's searches and export pages a few at a time and refuses
 * more with RATE_LIMITED (several downloads at once, a search beside them): the download already started,
 * so its page waits for a turn, asking again after a pause that doubles to 2 s, rather than ending a file
 * half written. Any other failure, or `TURN_WAIT_MS` of waiting, fails the download.
 */
async function laterPage<P extends { nextCursor: string | null }>(
  d: PagedDownload<P>,
  cursor: string,
): Promise<P> {
  const started = Date.now();
  for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      return await d.page(cursor);
    } catch (err) {
      const busy =
        err instanceof TRPCClientError &&
        (err.data as { httpStatus?: number } | undefined)?.httpStatus === 429;
      if (!busy || Date.now() - started + pause > (d.turnWaitMs ?? TURN_WAIT_MS)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A timestamp for a download's file name, legal on every file system. */
export const fileStamp = (at = new Date()): string => at.toISOString().slice(0, 19).replace(/:/g, '-');

/** The engine's refusal (its status and message), or 502 when it could not be reached. */
function refusal(what: string, err: unknown): Response {
  const known = err instanceof TRPCClientError;
  const status = known ? ((err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 500) : 502;
  const why = known ? err.message : 'the engine could not be reached';
  return new Response(`${what[0]?.toUpperCase()}${what.slice(1)} could not be exported: ${why}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
