import type { AppRouter } from '@organism/engine';
import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import {
  jsonLine,
  loadMessageExport,
  toExportInput,
  xmlEntry,
  xmlHead,
  xmlTail,
} from '@/features/messages/message-export';

export const dynamic = 'force-dynamic';

/** Set from next.config (the engine the console was built for, as its /trpc rewrite). */
const ENGINE = process.env.ORGANISM_ENGINE_URL ?? 'http://127.0.0.1:7070';
const PAGE = 500;

/**
 * `GET /messages/export?format=xml|jsonl&to=…&text=…&xpath=…`: the filtered messages (or a search's hits)
 * as a download, each with its envelope. It walks `messages.exportPage` one page at a time as the browser
 * reads, so neither the engine, this server nor the browser holds more than a page of 100,000 messages;
 * the caller's cookie goes along and the engine checks the role. XML is one document (`<x:messages>`
 * with an `<x:entry>` per message), JSON lines one object per line. This route reads no SQLite.
 */
export async function GET(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const { format, ...values } = loadMessageExport(url.searchParams);
  const input = toExportInput(values);
  const engine = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${ENGINE}/trpc`, headers: { cookie: req.headers.get('cookie') ?? '' } })],
  });
  const page = (cursor?: string) =>
    engine.messages.exportPage.query({ ...input, limit: PAGE, cursor }, { signal: req.signal });
  const entry = format === 'xml' ? xmlEntry : jsonLine;
  let first;
  try {
    // The first page before answering: a refusal (signed out, a bad XPath) is a status, not a file.
    first = await page();
  } catch (err) {
    return refusal(err);
  }
  const encoder = new TextEncoder();
  let cursor = first.nextCursor;
  const tail = (): string => (format === 'xml' ? xmlTail() : '');
  const body = new ReadableStream<Uint8Array>({
    start(out) {
      const head = format === 'xml' ? xmlHead(new Date()) : '';
      out.enqueue(encoder.encode(head + first.items.map(entry).join('') + (cursor ? '' : tail())));
      if (!cursor) out.close();
    },
    async pull(out) {
      try {
        // A search's page can come back empty (its scan budget spent): go on until something is written.
        let text = '';
        while (cursor && !text) {
          const next = await page(cursor);
          text = next.items.map(entry).join('');
          cursor = next.nextCursor;
        }
        out.enqueue(encoder.encode(text + (cursor ? '' : tail())));
        if (!cursor) out.close();
      } catch (err) {
        // The browser sees the download fail rather than a file that looks whole.
        out.error(err);
      }
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  return new Response(body, {
    headers: {
      'content-type':
        format === 'xml' ? 'application/xml; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="messages-${stamp}.${format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/** The engine's refusal (its status and message), or 502 when it could not be reached. */
function refusal(err: unknown): Response {
  const known = err instanceof TRPCClientError;
  const status = known ? ((err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 500) : 502;
  const why = known ? err.message : 'the engine could not be reached';
  return new Response(`The messages could not be exported: ${why}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
