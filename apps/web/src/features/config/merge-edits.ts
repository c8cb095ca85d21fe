import { diff3Merge } from 'node-diff3';

/** One's edits merged into a file that moved on, or where they and the other change touch the same lines. */
export type Merged =
  | { ok: true; text: string }
  | {
      ok: false;
      /** Each place the two changed the same lines: its first line (1-based) and count in one's own text. */
      conflicts: { line: number; lines: number }[];
    };

/**
 * A three-way merge by lines (diff3): the changes `mine` made to `base`, applied to `theirs` (the file as it
 * now is, after someone else's change to the same `base`). Lines both changed the same way are no conflict.
 */
export function mergeEdits(base: string, mine: string, theirs: string): Merged {
  const split = (t: string): string[] => t.split('\n');
  const regions = diff3Merge(split(mine), split(base), split(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  const conflicts: { line: number; lines: number }[] = [];
  for (const r of regions) {
    if (r.ok) out.push(...r.ok);
    else if (r.conflict) conflicts.push({ line: r.conflict.aIndex + 1, lines: r.conflict.a.length });
  }
  return conflicts.length ? { ok: false, conflicts } : { ok: true, text: out.join('\n') };
}
