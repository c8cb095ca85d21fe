import type { AppRouter } from '@organism/engine';
import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import { csvHeader, csvLine, jsonLine } from '@/features/audit/audit-export';
import { loadAuditFilter, toAuditFilter } from '@/features/audit/audit-filters';

export const dynamic = 'force-dynamic';

/** Set from next.config (the engine the console was built for, as its /trpc rewrite). */
const ENGINE = process.env.ORGANISM_ENGINE_URL ?? 'http://127.0.0.1:7070';
const PAGE = 500;

/**
 * `GET /audit/export?format=csv|jsonl&actor=…`: the filtered audit log as a download. It walks
 * `audit.list` one keyset page at a time, as the browser reads (the stream's pull), so neither the
 * engine, this server nor the browser holds more than a page of a large log. The caller's session
 * cookie goes along: the engine checks the role as for any call. Entries written while the export
 * runs are not in it (the pages start from the newest entry when it began).
 */
export async function GET(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const format = url.searchParams.get('format') === 'csv' ? 'csv' : 'jsonl';
  const filter = toAuditFilter(loadAuditFilter(url.searchParams));
  const engine = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${ENGINE}/trpc`, headers: { cookie: req.headers.get('cookie') ?? '' } })],
  });
  const page = (cursor?: string) => engine.audit.list.query({ ...filter, limit: PAGE, cursor });
  const line = format === 'csv' ? csvLine : jsonLine;
  let first;
  try {
    // The first page before answering: a refusal (signed out, not an admin) is a status, not a file.
    first = await page();
  } catch (err) {
    return refusal(err);
  }
  const encoder = new TextEncoder();
  let cursor = first.nextCursor;
  const body = new ReadableStream<Uint8Array>({
    start(out) {
      out.enqueue(encoder.encode((format === 'csv' ? csvHeader() : '') + first.items.map(line).join('')));
      if (!cursor) out.close();
    },
    async pull(out) {
      try {
        const next = await page(cursor ?? undefined);
        out.enqueue(encoder.encode(next.items.map(line).join('')));
        cursor = next.nextCursor;
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
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`,
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
  return new Response(`The audit log could not be exported: ${why}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
