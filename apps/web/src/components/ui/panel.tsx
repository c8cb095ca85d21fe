import type { ReactNode } from 'react';
import { useId } from 'react';

/** A titled panel: the unit every page is built from. */
export function Panel({
  id: anchor,
  title,
  actions,
  children,
  className = '',
}: {
  /** An anchor other pages link to (`/#engines`). */
  id?: string;
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section
      id={anchor}
      aria-labelledby={title === undefined ? undefined : id}
      className={`rounded-lg border border-border bg-panel ${className}`}
    >
      {title !== undefined && (
        <header className="flex h-10 items-center justify-between border-b border-border px-4">
          <h2 id={id} className="text-sm font-semibold">
            {title}
          </h2>
          {actions}
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}
