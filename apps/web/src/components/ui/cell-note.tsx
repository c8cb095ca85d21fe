import { Fragment } from 'react';
import type { ReactNode } from 'react';
import { softBreaks } from '@/lib/soft-breaks';

const TONES = { muted: 'text-muted', failed: 'text-failed', names: 'font-mono' } as const;

/** Up to two lines of small text in a dense row (28 of its 32 px). */
const TWO_LINES = 'text-xs leading-[14px] whitespace-normal';

/**
 * A sentence in a table cell (what to do about a dead letter, what a role may do, an audit entry's detail
 * or error, the names a token may send as): muted (red for an error, monospace for names), on up to two
 * lines of the dense row, since one line at laptop widths cuts it off before its point; whole on hover
 * (`title`, the text unless said). A long path or qualified name in it breaks at its separators
 * (`softBreaks`), so it fills both lines rather than starting the second and ending it early.
 */
export function CellNote({
  text,
  tone = 'muted',
  title = text,
}: {
  text: string | undefined;
  tone?: 'muted' | 'failed' | 'names';
  title?: string;
}) {
  return (
    <span className={`line-clamp-2 ${TWO_LINES} [overflow-wrap:anywhere] ${TONES[tone]}`} title={title}>
      {softBreaks(text ?? '').map((piece, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {piece}
        </Fragment>
      ))}
    </span>
  );
}

/**
 * Pieces of a cell (words and links) on one line when they fit, and on two when they do not (a laptop's
 * width), never more; whole on hover.
 */
export function CellPieces({ title, children }: { title: string | undefined; children: ReactNode }) {
  return (
    <span
      className={`flex max-h-[28px] min-w-0 flex-wrap items-center gap-x-3 overflow-hidden ${TWO_LINES} text-muted [&>*]:whitespace-nowrap [&_*]:leading-[14px]`}
      title={title}
    >
      {children}
    </span>
  );
}
