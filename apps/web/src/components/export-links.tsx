import { Download } from 'lucide-react';

const LINK_CLASS =
  'inline-flex h-8 items-center gap-1.5 rounded-md border border-border bg-panel px-3 text-sm font-medium hover:bg-panel-2';

/**
 * A page's export as download links after a short label ("Export what matches:"), each a format. `hidden`
 * keeps its place in the layout while there is nothing to export, so what is below never moves.
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
  return (
    <div className={`flex items-center gap-2 ${hidden ? 'invisible' : ''} ${className}`}>
      <span className="text-xs text-muted">{label}</span>
      {links.map((l) => (
        <a key={l.format} href={l.href} download className={LINK_CLASS}>
          <Download className="size-4" aria-hidden /> {l.format}
        </a>
      ))}
    </div>
  );
}
