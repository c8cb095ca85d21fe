import { XmlLibError } from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';
import type { Problem } from '@organism/shared';

/**
 * The most problems one document is reported with: a sender fixes the first ones first, and a document
 * made to fail everywhere (22,000 refused attributes in 171 KB) would otherwise be answered, journaled
 * and streamed to every console at 3 MB.
 */
export const MAX_PROBLEMS = 100;
/**
 * The longest message or XPath of one problem: libxml2 quotes names as they came (50,000 characters
 * each at most), and a path repeats every ancestor's.
 */
const MAX_CHARS = 1_000;

const clip = (s: string): string => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s);
/** A path keeps its end, the element the problem is about. */
const clipStart = (s: string): string => (s.length > MAX_CHARS ? `…${s.slice(-(MAX_CHARS - 1))}` : s);

/**
 * libxml2's words for its own limits point at a parser option (XML_PARSE_HUGE) that a sender cannot set,
 * and the engine will not: they are said as the limits they are.
 */
function inSendersTerms(message: string): string {
  const depth = /^Excessive depth in document: (\d+),? use XML_PARSE_HUGE option$/.exec(message);
  if (depth) return `elements are nested more than ${depth[1]} deep, the most a document may nest`;
  if (/^Resource limit exceeded: Text node too long/.test(message))
    return 'a text node is longer than 10,000,000 characters, the most one may hold';
  return message.replace(/,? (?:try|use) XML_PARSE_HUGE(?: option)?/, ' (a limit of the parser)');
}

/**
 * Turns libxml2 diagnostics into problems (MAX_PROBLEMS of them, then one that counts the rest) with line, column and XPath; `file` overrides libxml2's URL.
 * Columns are 1-based: libxml2's validator gives 0 for every one (it knows only the element's line), and
 * such a problem has no column rather than a wrong one.
 */
export function problemsFromXmlError(err: unknown, file?: string): Problem[] {
  if (err instanceof XmlLibError && err.details.length > 0)
    return problemsFromDetails(err.details, err.details.length, file);
  return [{ message: err instanceof Error ? err.message.trim() : String(err), ...(file ? { file } : {}) }];
}

/**
 * The first MAX_PROBLEMS of `total` libxml2 diagnostics as problems (`details` may hold only those),
 * then one that counts the rest.
 */
export function problemsFromDetails(
  details: readonly ErrorDetail[],
  total: number,
  file?: string,
): Problem[] {
  const problems: Problem[] = details.slice(0, MAX_PROBLEMS).map((d) => ({
    message: clip(inSendersTerms(d.message.trim())),
    ...((file ?? d.file) ? { file: file ?? d.file } : {}),
    ...(d.line > 0 ? { line: d.line, ...(d.col > 0 ? { column: d.col } : {}) } : {}),
    ...(d.xpath ? { path: clipStart(d.xpath) } : {}),
  }));
  const more = total - Math.min(details.length, MAX_PROBLEMS);
  if (more > 0)
    problems.push({
      message: `and ${more.toLocaleString('en')} more problems (the first ${MAX_PROBLEMS} are listed)`,
    });
  return problems;
}
