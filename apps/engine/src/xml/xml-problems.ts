import { XmlLibError } from 'libxml2-wasm';
import type { Problem } from '@organism/shared';

/** Turns libxml2 diagnostics into problems with line, column and XPath; `file` overrides libxml2's URL. */
export function problemsFromXmlError(err: unknown, file?: string): Problem[] {
  if (err instanceof XmlLibError && err.details.length > 0) {
    return err.details.map((d) => ({
      message: d.message.trim(),
      ...((file ?? d.file) ? { file: file ?? d.file } : {}),
      ...(d.line > 0 ? { line: d.line, column: d.col } : {}),
      ...(d.xpath ? { path: d.xpath } : {}),
    }));
  }
  return [{ message: err instanceof Error ? err.message.trim() : String(err), ...(file ? { file } : {}) }];
}
