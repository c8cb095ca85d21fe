'use client';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import type { RowData } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { CSSProperties, KeyboardEvent, MouseEvent, ReactNode } from 'react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Skeleton } from './skeleton';
import { focusIfLost } from '@/lib/focus';

/** One column: its header, how a row renders in it, and its shape. */
export interface DataColumn<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Counts and rates: right-aligned with tabular figures. */
  numeric?: boolean;
  /** Width in px; columns without one share what is left. */
  width?: number;
  /** Shown from this viewport width up (Tailwind breakpoints), to keep narrow screens readable. */
  from?: 'lg' | 'xl' | '2xl';
  /** The table can be ordered by this column (see `sort`), first in this direction when chosen. */
  sortable?: 'asc' | 'desc';
}

/** The column of a row's buttons: no header to see (one for screen readers), never sortable. */
export function actionsColumn<T>(
  width: number,
  cell: (row: T) => ReactNode,
  opts: { numeric?: boolean } = {},
): DataColumn<T> {
  return { id: 'actions', header: <span className="sr-only">actions</span>, width, cell, ...opts };
}

/**
 * The order the rows are in, and how to change it. The table only draws it (a button per sortable header,
 * `aria-sort`); whoever owns the rows sorts them, on the server or in the page, and keeps it in the URL.
 */
export interface DataSort {
  by: string;
  desc: boolean;
  onChange: (by: string, desc: boolean) => void;
}

const ROW_HEIGHT = 32;
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, RowData>();
const NO_ROWS: RowData[] = [];
const HIDDEN_BELOW = { lg: 'hidden lg:flex', xl: 'hidden xl:flex', '2xl': 'hidden 2xl:flex' } as const;

function cellClass<T>(c: DataColumn<T>, extra = ''): string {
  return `flex min-w-0 items-center px-3 ${c.numeric ? 'tabular justify-end text-right' : ''} ${c.from ? HIDDEN_BELOW[c.from] : ''} ${extra}`;
}
function cellStyle<T>(c: DataColumn<T>): CSSProperties {
  return c.width ? { width: c.width, flex: `0 0 ${c.width}px` } : { flex: '1 1 0', minWidth: 80 };
}

/**
 * A row's cells, drawn again only when its row or the columns change. A live list redraws up to four times
 * a second, and a new row at its top moves every other row (their `<tr>`'s place and index), but only the
 * rows that changed draw their cells again. Rows are compared by identity: whoever owns them hands a new
 * object for a row that changed (react-query's structural sharing keeps the others as they were) and never
 * changes one in place; columns whose cells read anything but the row are made again when that changes.
 */
const RowCells = memo(function RowCells<T>({ row, columns }: { row: T; columns: readonly DataColumn<T>[] }) {
  return columns.map((c) => {
    const content = c.cell(row);
    return (
      <td key={c.id} className={cellClass(c, 'truncate')} style={cellStyle(c)}>
        {/* A cell of plain text says itself whole on hover, however narrow its column cuts it; a cell
            drawn as elements (a link, a badge, a time) gives its own. */}
        <div
          className={`min-w-0 truncate ${c.numeric ? 'w-full' : ''}`}
          title={typeof content === 'string' && content !== '' ? content : undefined}
        >
          {content}
        </div>
      </td>
    );
  });
}) as <T>(props: { row: T; columns: readonly DataColumn<T>[] }) => ReactNode;

/**
 * The console's table: dense 32 px rows, a sticky header, numbers right-aligned in tabular figures, headers
 * that sort where the owner of the rows can (`sort`). Rows are focusable (one tab stop, arrows move, Enter
 * or a click opens); links and buttons inside a row keep their own clicks. `virtual` scrolls inside the table's own box and renders only the rows in view, for long
 * or live lists; otherwise the header sticks under the top bar as the page scrolls.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  onOpen,
  loading = false,
  empty,
  virtual,
  sort,
  rowAttributes,
  rowClassName,
}: {
  /** Names the table for screen readers. */
  label: string;
  columns: DataColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  loading?: boolean;
  /** What an empty table says: why it is empty and what would fill it. */
  empty?: ReactNode;
  /**
   * Scroll inside a box of this height (px or any CSS length) and render only the visible rows. `byPlace`
   * keys rows by their place instead of their id, for lists whose rows shift on every update (a live tail,
   * newest first): the rows' DOM is reused and only what they show changes, instead of being rebuilt.
   */
  virtual?: { height: number | string; byPlace?: boolean };
  /** The rows' order, when some columns are `sortable`. */
  sort?: DataSort;
  /** Extra attributes per row (test ids, data-* a test or a style reads). */
  rowAttributes?: (row: T) => Record<string, string | number | undefined>;
  /** Extra classes per row: a tint that marks a row (a listener in error) beside what its cells say. */
  rowClassName?: (row: T) => string | undefined;
}) {
  const defs = useMemo(
    () => columns.map((c) => helper.display({ id: c.id, header: () => c.header, cell: () => null })),
    [columns],
  );
  // The table lays out the columns and headers; rows are drawn straight from `rows` (the server sorts and
  // filters), so a live list that changes every frame costs only the rows in view, not a row model of all.
  const table = useTable({ features, columns: defs, data: NO_ROWS });
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const [active, setActive] = useState(0);
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => {
      const row = rows[i];
      return row === undefined || virtual?.byPlace ? i : rowKey(row);
    },
    // Rows kept beyond the view for smooth scrolling; a list redrawn in place (a live tail) keeps few,
    // since every one of them is drawn again at each update.
    overscan: virtual?.byPlace ? 4 : 12,
  });

  // One tab stop for the rows: Tab from the row in hand reaches its links and buttons, then leaves the
  // table; those of the other rows are reached by moving to their row first (arrows, or a click). Without
  // it a page of fifty rows of dead letters was some 300 presses of Tab (each row's link, thread, copy
  // buttons, Retry and Discard). Run after every drawing: new rows (a page, a scroll) come tabbable.
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const inHand = String(Math.min(active, rows.length - 1));
    for (const tr of el.querySelectorAll<HTMLElement>('tr[data-index]')) {
      const mine = tr.dataset.index === inHand;
      // Set only where it changes: setting an attribute to what it is still costs the browser its work.
      const want = mine ? 0 : -1;
      for (const c of tr.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea'))
        if (c.tabIndex !== want) c.tabIndex = want;
    }
  });

  const focusRow = (i: number) => {
    const index = Math.max(0, Math.min(rows.length - 1, i));
    setActive(index);
    if (virtual) virtualizer.scrollToIndex(index);
    // The row may render only after the virtualizer scrolls to it.
    requestAnimationFrame(() => body.current?.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const at = Number((e.target as HTMLElement).closest('tr')?.dataset.index ?? active);
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const move: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: rows.length - 1,
    };
    const to = move[e.key];
    if (to !== undefined && (e.target as HTMLElement).tagName === 'TR') {
      e.preventDefault();
      focusRow(to);
    } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'TR') {
      const row = rows[at];
      if (row !== undefined) onOpen?.(row);
    }
  };
  const onClick = (e: MouseEvent, row: T) => {
    if ((e.target as HTMLElement).closest('a, button, input, select')) return;
    onOpen?.(row);
  };

  const renderRow = (row: T, index: number, start?: number) => (
    <tr
      key={virtual?.byPlace ? index : rowKey(row)}
      data-index={index}
      aria-rowindex={index + 2}
      tabIndex={index === Math.min(active, rows.length - 1) ? 0 : -1}
      onFocus={() => setActive(index)}
      onClick={(e) => onClick(e, row)}
      {...rowAttributes?.(row)}
      className={`flex h-[32px] w-full border-b border-border text-sm outline-offset-[-2px] ${onOpen ? 'cursor-pointer hover:bg-panel-2 focus-visible:bg-panel-2' : ''} ${start !== undefined ? 'absolute left-0' : ''} ${rowClassName?.(row) ?? ''}`}
      // Each row lays out and paints on its own: a row's new text never re-lays out the page.
      style={start !== undefined ? { transform: `translateY(${start}px)`, contain: 'strict' } : undefined}
    >
      <RowCells row={row} columns={columns} />
    </tr>
  );

  let content: ReactNode;
  if (loading && rows.length === 0)
    content = Array.from({ length: 8 }, (_, i) => (
      <tr key={i} className="flex h-[32px] w-full border-b border-border" aria-hidden>
        {columns.map((c) => (
          <td key={c.id} className={cellClass(c)} style={cellStyle(c)}>
            <Skeleton className="h-3.5 w-full" />
          </td>
        ))}
      </tr>
    ));
  else if (rows.length === 0)
    content = (
      <tr className="flex w-full">
        <td className="w-full px-3 py-8 text-center text-sm text-muted">{empty ?? 'Nothing here.'}</td>
      </tr>
    );
  else if (virtual)
    content = virtualizer.getVirtualItems().map((item) => {
      const row = rows[item.index];
      return row === undefined ? null : renderRow(row, item.index, item.start);
    });
  else content = rows.map((row, i) => renderRow(row, i));

  const header = (
    <thead
      className={`sticky z-[5] grid grid-cols-1 border-b border-border bg-panel ${virtual ? 'top-0' : 'top-12'}`}
    >
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id} aria-rowindex={1} className="flex h-[32px] w-full">
          {group.headers.map((h) => {
            const c = byId.get(h.column.id);
            if (!c) return null;
            const sorted = sort && c.sortable && sort.by === c.id ? (sort.desc ? 'desc' : 'asc') : undefined;
            return (
              <th
                key={h.id}
                scope="col"
                aria-sort={sorted && (sorted === 'desc' ? 'descending' : 'ascending')}
                className={cellClass(c, 'text-xs font-medium text-muted')}
                style={cellStyle(c)}
              >
                {sort && c.sortable ? (
                  <button
                    type="button"
                    // The same column again turns the order round; another starts in its own first direction.
                    onClick={() => sort.onChange(c.id, sorted ? sorted === 'asc' : c.sortable === 'desc')}
                    className={`inline-flex min-w-0 items-center gap-1 hover:text-text ${sorted ? 'text-text' : ''}`}
                  >
                    <table.FlexRender header={h} />
                    {sorted === 'asc' && <ArrowUp className="size-3 shrink-0" aria-hidden />}
                    {sorted === 'desc' && <ArrowDown className="size-3 shrink-0" aria-hidden />}
                  </button>
                ) : (
                  <table.FlexRender header={h} />
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
  const tbody = (
    <tbody
      ref={body}
      onKeyDown={onKeyDown}
      className="relative grid grid-cols-1"
      style={virtual && rows.length > 0 ? { height: virtualizer.getTotalSize() } : undefined}
    >
      {content}
    </tbody>
  );
  // One grid column of minmax(0, 1fr) at each level: a cell's unwrapped text (truncated) never widens the
  // rows past the table's box, as an `auto` column sized to its content would.
  const tableEl = (
    <table aria-label={label} aria-rowcount={rows.length + 1} className="grid w-full grid-cols-1">
      {header}
      {tbody}
    </table>
  );
  if (!virtual) return tableEl;
  return (
    <div ref={scroller} className="overflow-auto" style={{ height: virtual.height, contain: 'strict' }}>
      {tableEl}
    </div>
  );
}

/**
 * Keeps a keyboard in the table when an action in a row disables or removes what had focus (a Retry done,
 * a row discarded): call the returned function once the rows are redrawn, and focus goes to the row now at
 * that place (the next one moved up), or the last, unless it has gone elsewhere meanwhile. The query that
 * says the row went may be drawn a few frames after it answers (its observers are told on a timer, and a
 * busy machine runs a frame first), and the dialog that asked gives focus back to its trigger, in that
 * row, once it has closed: so it waits until neither that row nor a dialog holds the focus.
 */
export function refocusRowAfter(inRow: Element): () => void {
  const row = inRow.closest<HTMLElement>('tr[data-index]');
  const body = row?.parentElement;
  const index = row?.dataset.index;
  const focusPlace = () =>
    focusIfLost(() => {
      const rows = body?.querySelectorAll<HTMLElement>('tr[data-index]');
      return body?.querySelector<HTMLElement>(`tr[data-index="${index}"]`) ?? rows?.[rows.length - 1];
    });
  return () => {
    let frames = 0;
    // While the row acted on is still drawn (a third of a second at least, for its redrawing to come) and
    // has the focus (the dialog gave it back to its trigger), or while a dialog has it, for a second at
    // most; then the row itself if it stays, or the one now at its place.
    const wait = (): void => {
      const at = document.activeElement;
      const asking = at?.closest('[role="alertdialog"], [role="dialog"]');
      const there = row?.isConnected && (row.contains(at) || frames < 20);
      if ((there || asking) && frames++ < 60) requestAnimationFrame(wait);
      // A row that stays (a token revoked, moved among the revoked) keeps the keyboard itself.
      else if (row?.isConnected) focusIfLost(row);
      else focusPlace();
    };
    wait();
  };
}
