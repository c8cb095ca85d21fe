import { XmlLibError } from 'libxml2-wasm';
import type { Problem } from '@organism/shared';

/**
 * Turns libxml2 diagnostics into problems with line, column and XPath; `file` overrides libxml2's URL.
 * Columns are 1-based: libxml2's validator gives 0 for every one (it knows only the element's line), and
 * such a problem has no column rather than a wrong one.
 */
export function problemsFromXmlError(err: unknown, file?: string): Problem[] {
  if (err instanceof XmlLibError && err.details.length > 0) {
    return err.details.map((d) => ({
      message: d.message.trim(),
      ...((file ?? d.file) ? { file: file ?? d.file } : {}),
      ...(d.line > 0 ? { line: d.line, ...(d.col > 0 ? { column: d.col } : {}) } : {}),
      ...(d.xpath ? { path: d.xpath } : {}),
    }));
  }
  return [{ message: err instanceof Error ? err.message.trim() : String(err), ...(file ? { file } : {}) }];
}
