import { Skeleton } from '@/components/ui/skeleton';

const TONE = { acked: 'text-acked', failed: 'text-failed', rejected: 'text-rejected' } as const;

/** One figure of the overview's top row, with what it counts beneath. */
export function Tile({
  label,
  value,
  hint,
  tone,
  stale = false,
}: {
  label: string;
  value: string | undefined;
  hint: string;
  tone?: keyof typeof TONE;
  /** The figure is the last known (the engine away): greyed, and the hint says so first. */
  stale?: boolean;
}) {
  const said = stale ? `last known · ${hint}` : hint;
  return (
    <div className="rounded-lg border border-border bg-panel p-4">
      <p className="text-xs font-medium text-muted uppercase">{label}</p>
      {value === undefined ? (
        <Skeleton className="mt-2 h-7 w-24" />
      ) : (
        <p
          className={`tabular mt-1 text-2xl font-semibold ${value === '—' || stale ? 'text-muted' : tone ? TONE[tone] : ''}`}
        >
          {value}
        </p>
      )}
      <p className="mt-1 truncate text-xs text-muted" title={said}>
        {said}
      </p>
    </div>
  );
}
