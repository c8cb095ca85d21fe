import { formatCount } from '@/lib/format';

/**
 * Marks refused input (amber diamond, as CONSOLE.md draws "rejected at ingress"), in words too. `count`
 * says how many, for a group where only some of the entries were refused.
 */
export function RefusedTag({ count }: { count?: number }) {
  return (
    <span className="inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap text-rejected">
      <span aria-hidden className="inline-block size-2 rotate-45 rounded-[1px] bg-current" />
      {count === undefined ? 'refused at intake' : `${formatCount(count)} refused at intake`}
    </span>
  );
}
