import {
  exportUrlProblem,
  jsonLine,
  loadMessageExport,
  toExportInput,
  xmlEntry,
  xmlHead,
  xmlTail,
} from '@/features/messages/message-export';
import { engineFor, fileStamp, isExportCheck, pagedDownload } from '@/lib/server/paged-download';
import { urlRefusal } from '@/lib/url-problem';

export const dynamic = 'force-dynamic';

const PAGE = 500;

/**
 * `GET /messages/export?format=xml|jsonl&to=…&text=…&xpath=…`: the filtered messages (or a search's hits)
 * as a download, each with its envelope, walked through `messages.exportPage` a page at a time as the
 * browser reads (lib/server/paged-download.ts), so neither the engine, this server nor the browser holds
 * more than a page of 100,000 messages; the caller's cookie goes along and the engine checks the role. XML
 * is one document (`<x:messages>` with an `<x:entry>` per message), JSON lines one object per line. This
 * route reads no SQLite.
 */
export async function GET(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const problem = exportUrlProblem(url.searchParams);
  if (problem) return urlRefusal(problem);
  const { format, ...values } = loadMessageExport(url.searchParams);
  const input = toExportInput(values);
  const engine = engineFor(req);
  const entry = format === 'xml' ? xmlEntry : jsonLine;
  return pagedDownload({
    what: 'the messages',
    filename: `messages-${fileStamp()}.${format}`,
    contentType: format === 'xml' ? 'application/xml; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    ...(format === 'xml' ? { head: xmlHead(new Date()), tail: xmlTail() } : {}),
    page: (cursor, limit = PAGE) =>
      engine.messages.exportPage.query({ ...input, limit, cursor }, { signal: req.signal }),
    check: isExportCheck(req),
    render: (p) => p.items.map(entry).join(''),
  });
}
