import type { Problem } from '@organism/shared';

/**
 * Problems an engine refusal carries, each at its place (file, line, column, path) when it has one. With
 * `onGoTo`, a problem's line (in the text being edited: no other file) is a button that goes there.
 */
export function ProblemList({
  problems,
  onGoTo,
}: {
  problems: readonly Problem[];
  onGoTo?: (line: number, column?: number) => void;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {problems.map((p, i) => (
        <li key={i}>
          {p.file || p.line ? (
            <span className="text-muted">
              {p.file ? `${p.file} ` : ''}
              {p.line ? (
                <LinePlace line={p.line} column={p.column} {...(onGoTo && !p.file ? { onGoTo } : {})} />
              ) : (
                ''
              )}
              {p.path ? ` ${p.path}` : ''} ·{' '}
            </span>
          ) : p.path ? (
            <span className="text-muted">{p.path} · </span>
          ) : null}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/** `line 3:7`, a button that moves the editor there when the page can. */
export function LinePlace({
  line,
  column,
  onGoTo,
}: {
  line: number;
  column?: number | undefined;
  onGoTo?: (line: number, column?: number) => void;
}) {
  const text = `line ${line}${column ? `:${column}` : ''}`;
  if (!onGoTo) return <>{text}</>;
  return (
    <button
      type="button"
      className="cursor-pointer text-accent underline-offset-2 hover:underline"
      aria-label={`go to ${text}`}
      onClick={() => onGoTo(line, column)}
    >
      {text}
    </button>
  );
}
