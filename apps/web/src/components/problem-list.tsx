import type { Problem } from '@organism/shared';

/** Problems an engine refusal carries, each at its place (file, line, column, path) when it has one. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {problems.map((p, i) => (
        <li key={i}>
          {p.file || p.line ? (
            <span className="text-muted">
              {p.file ? `${p.file} ` : ''}
              {p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}` : ''}
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
