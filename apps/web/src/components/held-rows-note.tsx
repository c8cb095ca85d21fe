import { formatCountOf } from '@/lib/format';

/** Under a list held still (`useHeldRows`): how many rows wait until the pointer leaves it. */
export function HeldRowsNote({ waiting, what }: { waiting: number; what: string }) {
  if (waiting === 0) return null;
  return (
    <p role="status" className="border-t border-border px-4 py-2 text-xs text-muted">
      {formatCountOf(waiting, what)} held while the pointer is on the list; shown as it leaves.
    </p>
  );
}
