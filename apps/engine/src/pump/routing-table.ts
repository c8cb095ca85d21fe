import type { QName } from '@organism/shared';
import type { Listener } from './listener.ts';

/**
 * Listeners by name and by the payload roots their contracts accept. Immutable: a reload builds a
 * new table and swaps it in one assignment, so a message is routed against one consistent view.
 */
export class RoutingTable {
  private readonly byName = new Map<string, Listener>();
  private readonly byRoot = new Map<QName, Listener[]>();

  constructor(listeners: Iterable<Listener>) {
    for (const l of listeners) {
      this.byName.set(l.name, l);
      for (const root of l.roots) {
        const list = this.byRoot.get(root);
        if (list) list.push(l);
        else this.byRoot.set(root, [l]);
      }
    }
  }

  get(name: string): Listener | undefined {
    return this.byName.get(name);
  }

  /** Every listener whose contract accepts `root`, for a broadcast. */
  accepting(root: QName): readonly Listener[] {
    return this.byRoot.get(root) ?? [];
  }

  listeners(): IterableIterator<Listener> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}
