import type { Cursor } from './stream-cursor.ts';

interface Made<T> {
  view: string;
  from: Cursor;
  to: Cursor;
  out: T;
}

/**
 * The live `changes` items the hub's subscribers made lately, for others to take whole: an item made
 * from a cursor, for a view (a set of filters), is exactly what any subscriber at that cursor with that
 * view would make, so it takes the same object, with the same id, and the server sends the bytes it
 * encoded once (event-stream-endpoint.ts). Subscribers that start at different places fall in step:
 * one that makes an item ends it where an item already made for its view starts (`nextStart`), and
 * takes that one next. Every cursor along a view's stream is a place in one order of its transitions
 * and events, so ending early there is ending at a boundary any of them could have made.
 */
export class SharedItems<T> {
  private readonly made = new Map<string, Made<T>>();

  /** How many items are kept, the oldest dropped first: far more than subscribers that keep up make. */
  constructor(private readonly keep = 64) {}

  /** The item made from exactly `at` for `view`, with where it ends. */
  at(view: string, at: Cursor): Made<T> | undefined {
    return this.made.get(key(view, at));
  }

  /** The nearest place after `at` where an item made for `view` starts. */
  nextStart(view: string, at: Cursor): Cursor | undefined {
    let best: Cursor | undefined;
    for (const m of this.made.values()) {
      const c = m.from;
      if (m.view !== view || c.s < at.s || c.e < at.e || (c.s === at.s && c.e === at.e)) continue;
      if (!best || c.s < best.s || (c.s === best.s && c.e < best.e)) best = c;
    }
    return best;
  }

  add(view: string, from: Cursor, to: Cursor, out: T): void {
    this.made.set(key(view, from), { view, from: { ...from }, to: { ...to }, out });
    if (this.made.size > this.keep) {
      const oldest = this.made.keys().next();
      if (!oldest.done) this.made.delete(oldest.value);
    }
  }

  clear(): void {
    this.made.clear();
  }
}

const key = (view: string, c: Cursor): string => `${c.s}.${c.e}|${view}`;
