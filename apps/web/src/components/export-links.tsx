'use client';
import { Download, LoaderCircle } from 'lucide-react';
import { useState } from 'react';
import type { MouseEvent } from 'react';
import { toast } from 'sonner';
import { EXPORT_CHECK_HEADER } from '@/lib/export-check';

const LINK_CLASS =
  'inline-flex h-8 items-center gap-1.5 rounded-md border border-border bg-panel px-3 text-sm font-medium hover:bg-panel-2';

/**
 * Whether the export at `href` would download, asked before the browser downloads it: a refusal (the session
 * ended, a role, a filter the engine refuses, the engine away) is a status with a sentence, which a download
 * would only show as "Failed" in the browser's downloads. The question (`EXPORT_CHECK_HEADER`) costs the
 * engine one entry, not a page; an answer that is the file after all (a console that does not know the
 * question) is left unread, the request cancelled once its status is known. Resolves to the sentence when it
 * would not download.
 */
export async function exportRefusal(href: string): Promise<string | null> {
  const stop = new AbortController();
  let res: Response;
  try {
    res = await fetch(href, {
      signal: stop.signal,
      cache: 'no-store',
      headers: { [EXPORT_CHECK_HEADER]: '1' },
    });
  } catch {
    return 'The console could not be reached: the export was not made. Try again once it answers.';
  }
  if (res.ok) {
    stop.abort();
    return null;
  }
  const text = (await res.text().catch(() => '')).trim();
  return text || `The export was refused (${res.status}).`;
}

/**
 * A page's export as download links after a short label ("Export what matches:"), each a format. `hidden`
 * keeps its place in the layout while there is nothing to export, so what is below never moves. A click
 * first asks whether the export would download (`exportRefusal`) and says why not in a toast; the link
 * stays a link (open in a new tab, copy its address).
 */
export function ExportLinks({
  label,
  links,
  hidden = false,
  className = '',
}: {
  label: string;
  links: { href: string; format: string }[];
  hidden?: boolean;
  className?: string;
}) {
  const [asking, setAsking] = useState<string | null>(null);
  const onClick = (e: MouseEvent<HTMLAnchorElement>, href: string) => {
    // A click with a modifier (a new tab, a window) is the browser's own.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (asking) return;
    const link = e.currentTarget;
    setAsking(href);
    void exportRefusal(href)
      .then((why) => {
        if (why) toast.error(why);
        else {
          // The same link, clicked again without this handler: the browser downloads it.
          const download = document.createElement('a');
          download.href = link.href;
          download.download = '';
          download.click();
        }
      })
      .finally(() => setAsking(null));
  };
  return (
    <div className={`flex items-center gap-2 ${hidden ? 'invisible' : ''} ${className}`}>
      <span className="text-xs text-muted">{label}</span>
      {links.map((l) => (
        <a
          key={l.format}
          href={l.href}
          download
          onClick={(e) => onClick(e, l.href)}
          aria-busy={asking === l.href || undefined}
          className={LINK_CLASS}
        >
          {asking === l.href ? (
            <LoaderCircle className="size-4 animate-spin" aria-hidden />
          ) : (
            <Download className="size-4" aria-hidden />
          )}{' '}
          {l.format}
        </a>
      ))}
    </div>
  );
}
