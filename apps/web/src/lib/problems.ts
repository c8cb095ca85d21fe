/** One line of a journal entry's error detail, read back into its place and message. */
export interface DetailProblem {
  line?: number;
  column?: number;
  path?: string;
  message: string;
}

// The inverse of `formatProblem` (packages/shared): `[file:]line[:column][ xpath]: message`. A file name is
// never all digits, so a bare `3:12` is read as line and column.
const LOCATED = /^(?:([^:]*[^\d:][^:]*):)?(\d+)(?::(\d+))?(?: (\/\S*))?: (.*)$/;
const PATH_ONLY = /^(\/\S*): (.*)$/;

/**
 * The problems of an error detail as the journal stores it for refused input (one per line, written by
 * `formatProblem`), so the console can mark each at its line of the raw input.
 */
export function problemsOf(detail: string | null | undefined): DetailProblem[] {
  if (!detail) return [];
  return detail
    .split('\n')
    .filter((l) => l.trim())
    .map((l): DetailProblem => {
      const at = LOCATED.exec(l);
      if (at) {
        const [, , line, column, path, message] = at;
        return {
          line: Number(line),
          column: column === undefined ? undefined : Number(column),
          path,
          message: message ?? l,
        };
      }
      const p = PATH_ONLY.exec(l);
      return p ? { path: p[1], message: p[2] ?? l } : { message: l };
    });
}
