'use client';
import { Copy } from 'lucide-react';
import Link from 'next/link';
import { toast } from 'sonner';
import { shortId } from '@/lib/format';

/** An id as every list shows it: monospace, first 8 characters, full id on hover, a link, one-click copy. */
export function IdLink({ id, href }: { id: string; href?: string }) {
  const label = <span className="font-mono text-xs">{shortId(id)}</span>;
  return (
    <span className="group inline-flex items-center gap-1" title={id}>
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
        className="opacity-0 group-hover:opacity-60 hover:opacity-100 focus-visible:opacity-100"
        onClick={() => {
          void navigator.clipboard?.writeText(id).then(() => toast.success('copied'));
        }}
      >
        <Copy className="size-3" />
      </button>
    </span>
  );
}
