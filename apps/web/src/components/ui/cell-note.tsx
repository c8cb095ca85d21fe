/**
 * A sentence in a table cell (what to do about a dead letter, what a role may do): muted, on up to two
 * lines of the dense row, since one line at laptop widths cuts it off before its point; whole on hover.
 */
export function CellNote({ text }: { text: string | undefined }) {
  return (
    <span className="line-clamp-2 text-xs leading-[14px] whitespace-normal text-muted" title={text}>
      {text ?? ''}
    </span>
  );
}
