import { csvHeader, csvLine, jsonLine } from '@/features/audit/audit-export';
import { auditExportProblem, loadAuditFilter, toAuditFilter } from '@/features/audit/audit-filters';
import { engineFor, fileStamp, isExportCheck, pagedDownload } from '@/lib/server/paged-download';
import { urlRefusal } from '@/lib/url-problem';

export const dynamic = 'force-dynamic';

const PAGE = 500;

/**
 * `GET /audit/export?format=csv|jsonl&actor=…`: the filtered audit log as a download (a key it does not know,
 * one given twice or a value it cannot read is a 400 saying which), walked through
 * `audit.list` a keyset page at a time as the browser reads (lib/server/paged-download.ts) with the caller's
 * session cookie: the engine checks the role as for any call. Entries written while the export runs are
 * not in it (the pages start from the newest entry when it began).
 */
export function GET(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const problem = auditExportProblem(url.searchParams);
  if (problem) return Promise.resolve(urlRefusal(problem));
  const format = url.searchParams.get('format') === 'csv' ? 'csv' : 'jsonl';
  const filter = toAuditFilter(loadAuditFilter(url.searchParams));
  const engine = engineFor(req);
  const line = format === 'csv' ? csvLine : jsonLine;
  return pagedDownload({
    what: 'the audit log',
    filename: `audit-${fileStamp()}.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    head: format === 'csv' ? csvHeader() : '',
    page: (cursor, limit = PAGE) =>
      engine.audit.list.query({ ...filter, limit, cursor }, { signal: req.signal }),
    check: isExportCheck(req),
    render: (p) => p.items.map(line).join(''),
  });
}
