import type { MessageState } from '@organism/shared';

/** Colour and shape per state, the same everywhere; the word is always there too (colour is never alone). */
const LOOK: Record<MessageState | 'REJECTED', { colour: string; mark: string }> = {
  PENDING: { colour: 'text-pending', mark: 'rounded-full border-2 border-current' },
  DISPATCHED: {
    colour: 'text-dispatched',
    mark: 'rounded-full border-2 border-current bg-[linear-gradient(90deg,currentColor_50%,transparent_50%)]',
  },
  ACKED: { colour: 'text-acked', mark: 'rounded-full bg-current' },
  FAILED: { colour: 'text-failed', mark: 'rounded-[1px] bg-current' },
  REJECTED: { colour: 'text-rejected', mark: 'rotate-45 rounded-[1px] bg-current' },
};

/** A state's mark and word; `label` replaces the word where the same look means something else (a thread's status). */
export function StateBadge({ state, label }: { state: MessageState | 'REJECTED'; label?: string }) {
  const look = LOOK[state];
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${look.colour}`}>
      <span aria-hidden className={`inline-block size-2.5 ${look.mark}`} />
      {label ?? state}
    </span>
  );
}
