import type { LucideIcon } from 'lucide-react';

/** Something the palette does in place rather than a place it goes to: it runs, and the palette closes. */
export interface PaletteAction {
  label: string;
  icon: LucideIcon;
  /** Other words it is found by ("dark" finds the theme switch). */
  keywords: readonly string[];
  run: () => void;
}

/** The actions whose label or keywords hold the text; all of them with nothing typed. */
export function matchingActions(actions: readonly PaletteAction[], needle: string): PaletteAction[] {
  return actions.filter((a) => [a.label, ...a.keywords].some((w) => w.toLowerCase().includes(needle)));
}
