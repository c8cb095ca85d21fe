/** Dense tables as CONSOLE.md asks: ~32 px rows, sticky header, tabular right-aligned numbers. */
export const TABLE = 'w-full border-collapse text-sm';
export const THEAD = 'sticky top-12 z-[1] bg-panel text-left text-xs text-muted';
export const TH = 'h-8 border-b border-border px-3 font-medium whitespace-nowrap';
export const TR = 'h-8 border-b border-border last:border-b-0';
export const TD = 'px-3 py-0.5 align-middle';
