/**
 * The classes of a hand-written table's `<thead>` that keeps its header in view as a long table scrolls, as
 * `DataTable`'s does: under the top bar when the page scrolls (`page`), at the top of a box that scrolls on
 * its own (`box`, a thread's hop detail). The line under the header is drawn by its cells, since a table's
 * collapsed borders do not move with a sticky header; the body's rows draw theirs below them.
 */
export function stickyHead(within: 'page' | 'box' = 'page'): string {
  const top = within === 'page' ? 'top-12' : 'top-0';
  return `sticky ${top} z-[5] bg-panel text-left text-xs text-muted [&_th]:shadow-[inset_0_-1px_0_var(--color-border)]`;
}
