/** An engine error code as every list shows it: monospace, red for a failure, amber for refused input. */
export function ErrorCodeBadge({ code, rejected = false }: { code: string | null; rejected?: boolean }) {
  return (
    <span
      className={`inline-block rounded px-1.5 py-0.5 font-mono text-xs font-semibold whitespace-nowrap ${rejected ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
    >
      {code ?? 'no code'}
    </span>
  );
}
