import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

/** The tones a banner takes, each a state's colour (CONSOLE.md): done, or a warning to read. */
const TONES = {
  done: { box: 'border-acked/40 bg-acked/5', icon: 'text-acked' },
  warning: { box: 'border-rejected/50 bg-rejected/5', icon: 'text-rejected' },
} as const;

/**
 * A line over a page's content saying what just happened to it (a save, a change under an open edit),
 * announced politely (`role="status"`), with its action or dismissal at the end.
 */
export function Banner({
  tone,
  icon: Icon,
  action,
  children,
  ...rest
}: {
  tone: keyof typeof TONES;
  icon: LucideIcon;
  /** At the end of the line: a button. */
  action: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}) {
  return (
    <div
      role="status"
      className={`flex flex-wrap items-start justify-between gap-3 rounded-md border p-3 text-sm ${TONES[tone].box}`}
      {...rest}
    >
      <div className="flex min-w-0 flex-1 gap-2">
        <Icon className={`mt-0.5 size-4 shrink-0 ${TONES[tone].icon}`} aria-hidden />
        <div className="min-w-0">{children}</div>
      </div>
      {action}
    </div>
  );
}
