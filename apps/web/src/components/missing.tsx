import Link from 'next/link';
import type { ReactNode } from 'react';
import { Panel } from './ui/panel';

/** What a page says when what it shows is not there: why, and the way back to where it could be found. */
export function Missing({
  title,
  children,
  href,
  label,
}: {
  title: string;
  children: ReactNode;
  /** The list the object would be in. */
  href: string;
  label: string;
}) {
  return (
    <div className="max-w-7xl">
      <Panel title={title}>
        <p className="text-sm">{children}</p>
        <p className="mt-3 text-sm">
          <Link href={href} className="text-accent underline underline-offset-2">
            {label}
          </Link>
        </p>
      </Panel>
    </div>
  );
}
