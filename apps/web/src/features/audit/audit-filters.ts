import { auditOutcomes } from '@organism/shared';
import {
  createLoader,
  createSerializer,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs/server';
import type { inferParserType } from 'nuqs/server';
import { urlProblem } from '@/lib/url-problem';

/**
 * The audit log's filter as it lives in the URL (`/audit?actor=ada&outcome=error&since=…`), shared by the
 * page and its export (a route handler reads the same keys). Times are ISO date-times.
 */
export const auditFilterParsers = {
  actor: parseAsString,
  action: parseAsString,
  outcome: parseAsStringLiteral(auditOutcomes),
  since: parseAsIsoDateTime,
  until: parseAsIsoDateTime,
};
export type AuditFilterValues = inferParserType<typeof auditFilterParsers>;

/** What `audit.list` takes, from the URL's values: absent keys left out. */
export function toAuditFilter(v: Partial<AuditFilterValues>) {
  return {
    ...(v.actor ? { actor: v.actor } : {}),
    ...(v.action ? { action: v.action } : {}),
    ...(v.outcome ? { outcome: v.outcome } : {}),
    ...(v.since ? { since: v.since.getTime() } : {}),
    ...(v.until ? { until: v.until.getTime() } : {}),
  };
}

/** Reads the filter from a request's search params (the export route). */
export const loadAuditFilter = createLoader(auditFilterParsers);

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Every key of an export URL: the filter and the format. */
const exportUrlParsers = { ...auditFilterParsers, format: parseAsStringLiteral(EXPORT_FORMATS) };
const serializeExport = createSerializer(exportUrlParsers);

/** What is wrong with an export URL (`urlProblem`), or undefined when nothing is. */
export const auditExportProblem = (params: URLSearchParams): string | undefined =>
  urlProblem(params, exportUrlParsers);

/** The download of the filtered log (every page of it, not just the one on screen). */
export function auditExportHref(filter: Partial<AuditFilterValues>, format: ExportFormat): string {
  return serializeExport('/audit/export', { ...filter, format });
}
