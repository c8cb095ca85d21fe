/**
 * A bounded FIFO of the newest `capacity` items, addressed by absolute position (0 for the first item
 * ever pushed). Pushing past the capacity evicts the oldest, which `push` hands back.
 */
export class Ring<T> {
  private readonly slots: (T | undefined)[];
  /** Absolute position of the oldest item held; `end` is the next position to fill. */
  private start = 0;
  private end = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.end - this.start;
  }

  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.size === this.capacity) {
      evicted = this.slots[this.start % this.capacity];
      this.start++;
    }
    this.slots[this.end % this.capacity] = item;
    this.end++;
    return evicted;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = this.end;
  }

  /**
   * The oldest item for which `after` is true, given that `after` is false for some prefix of the ring
   * and true for the rest (items ordered by a key that only grows): a binary search.
   */
  first(after: (item: T) => boolean): T | undefined {
    const at = this.search(after);
    return at < this.end ? this.slots[at % this.capacity] : undefined;
  }

  /** Up to `max` items from the first for which `after` is true (as `first`), oldest first. */
  from(after: (item: T) => boolean, max: number): T[] {
    const out: T[] = [];
    for (let at = this.search(after); at < this.end && out.length < max; at++)
      out.push(this.slots[at % this.capacity] as T);
    return out;
  }

  /** The position of the first item for which `after` is true (`end` if none): a binary search. */
  private search(after: (item: T) => boolean): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (after(this.slots[mid % this.capacity] as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
