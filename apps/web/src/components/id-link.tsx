'use client';
import { Copy } from 'lucide-react';
import Link from 'next/link';
import { copyText } from '@/lib/copy-text';
import { shortId } from '@/lib/format';

/** An id as every list shows it: monospace, first 8 characters, full id on hover, a link, one-click copy. */
export function IdLink({ id, href }: { id: string; href?: string }) {
  const label = <span className="font-mono text-xs">{shortId(id)}</span>;
  return (
    // The copy button takes no room: in running text ("thread 61ee6efd · created") an invisible one left a
    // gap. Shown, it floats over what follows on a background of its own, rather than mixing into its words.
    <span className="group relative inline-flex items-center" title={id}>
      {href ? (
        // No prefetch: lists show hundreds of ids (a live tail, new ones every frame), each would fetch its page.
        <Link href={href} prefetch={false} className="text-accent hover:underline">
          {label}
        </Link>
      ) : (
        label
      )}
      <button
        type="button"
        aria-label={`copy ${id}`}
        className="absolute left-full z-10 ml-0.5 rounded border border-border bg-panel-2 p-0.5 opacity-0 shadow-sm group-hover:opacity-100 focus-visible:opacity-100 [&:not(:hover)]:text-muted"
        onClick={() => void copyText(id, 'id')}
      >
        <Copy className="size-3" />
      </button>
    </span>
  );
}
