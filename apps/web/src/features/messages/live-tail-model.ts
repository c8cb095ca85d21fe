import type { MessageFilter, RoutedTransition, TransitionState } from '@organism/shared';

/** One message in the live tail, as its latest transition left it. */
export interface TailRow {
  id: string;
  threadId: string | null;
  from: string | null;
  to: string | null;
  root: string | null;
  kind: string | null;
  state: TransitionState;
  attempt: number;
  errorCode: string | null;
  /** The sequence number of its latest transition, and when that happened. */
  seq: number;
  at: number;
}

/** The tail's filter: the message filter's keys that a transition can answer (not its time range). */
export type TailFilter = Pick<
  MessageFilter,
  'to' | 'from' | 'participant' | 'root' | 'state' | 'refused' | 'errorCode' | 'threadId'
>;

function matches(t: RoutedTransition, f: TailFilter): boolean {
  if (f.to && t.to !== f.to) return false;
  if (f.from && t.from !== f.from) return false;
  if (f.participant && t.to !== f.participant && t.from !== f.participant) return false;
  if (f.root && t.root !== f.root) return false;
  if (f.state && t.state !== f.state) return false;
  if (f.refused !== undefined && (t.kind === 'rejected') !== f.refused) return false;
  if (f.errorCode && t.errorCode !== f.errorCode) return false;
  if (f.threadId && t.threadId !== f.threadId) return false;
  return true;
}

/**
 * The live tail's rows: one per message, in the order first seen, updated in place as later transitions
 * arrive, at most `cap` kept (the oldest go first). It also checks the stream itself: every transition's
 * sequence number must follow the one before, so `gaps` and `repeats` stay 0 when nothing was skipped or
 * delivered twice. Plain data and O(1) per transition, so thousands a second cost little; the view reads a
 * snapshot once per animation frame.
 */
export class TailModel {
  private readonly rows = new Map<string, TailRow>();
  /** Transitions seen (all of them, filtered or not), the first and last sequence numbers, anomalies. */
  received = 0;
  /** Transitions of the messages the filter keeps: what the view shows. */
  shown = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  gaps = 0;
  repeats = 0;
  /** Messages dropped to keep `cap` rows. */
  evicted = 0;
  /** Bumped by every change, so a view knows when to take a new snapshot. */
  version = 0;

  constructor(
    private readonly cap: number,
    private readonly filter: TailFilter,
  ) {}

  apply(t: RoutedTransition): void {
    this.received++;
    if (this.lastSeq !== null) {
      if (t.seq <= this.lastSeq) this.repeats++;
      else if (t.seq !== this.lastSeq + 1) this.gaps += t.seq - this.lastSeq - 1;
    }
    this.firstSeq ??= t.seq;
    if (this.lastSeq === null || t.seq > this.lastSeq) this.lastSeq = t.seq;

    const known = this.rows.get(t.messageId);
    if (!known && !matches(t, this.filter)) return;
    const row: TailRow = {
      id: t.messageId,
      threadId: t.threadId ?? known?.threadId ?? null,
      from: t.from ?? known?.from ?? null,
      to: t.to ?? known?.to ?? null,
      root: t.root ?? known?.root ?? null,
      kind: t.kind || (known?.kind ?? null),
      state: t.state,
      attempt: t.attempt,
      errorCode: t.errorCode,
      seq: t.seq,
      at: t.at,
    };
    // Setting a key that exists keeps its place: a message stays where it first appeared.
    this.rows.set(t.messageId, row);
    this.shown++;
    if (!known && this.rows.size > this.cap) {
      const oldest = this.rows.keys().next().value;
      if (oldest !== undefined) this.rows.delete(oldest);
      this.evicted++;
    }
    this.version++;
  }

  get size(): number {
    return this.rows.size;
  }

  /** The rows, newest message first. */
  snapshot(): TailRow[] {
    const out = Array.from(this.rows.values());
    out.reverse();
    return out;
  }
}

/** What the tail's status line says: its model's figures when the view last drew. */
export interface TailStats {
  received: number;
  shown: number;
  firstSeq: number | null;
  lastSeq: number | null;
  gaps: number;
  repeats: number;
  evicted: number;
  size: number;
}
export const statsOf = (m: TailModel): TailStats => ({
  received: m.received,
  shown: m.shown,
  firstSeq: m.firstSeq,
  lastSeq: m.lastSeq,
  gaps: m.gaps,
  repeats: m.repeats,
  evicted: m.evicted,
  size: m.size,
});

type Subscribe = (fn: (t: RoutedTransition) => void) => () => void;

/** A tail that goes on reading while no page shows it. */
export interface KeptTail {
  readonly model: TailModel;
  /** While its view is paused: since when, the figures then, and the rows the view froze on. */
  paused: { at: number; stats: TailStats; rows: TailRow[] } | null;
  /** Calls `fn` after each transition it reads, while a view shows it; answers the stop. */
  watch(fn: () => void): () => void;
}

interface Entry extends KeptTail {
  viewers: Set<() => void>;
  off: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The live tails of one event stream, kept reading after their page is left (to a message opened from
 * the tail, say) for `keepMs`, so back on the tail its rows, its place in the stream and its pause are as
 * they were, and nothing that came meanwhile is missing. One tail at most is kept unseen: taking another
 * (other filters) lets the unseen ones go at once.
 */
export class TailKeeper {
  private readonly tails = new Map<string, Entry>();

  constructor(
    private readonly subscribe: Subscribe,
    private readonly cap: number,
    private readonly keepMs: number,
  ) {}

  /** The tail of these filters (`key` names them), kept or new. Give it back with `release`. */
  take(key: string, filter: TailFilter): KeptTail {
    for (const [k, other] of this.tails) if (k !== key && other.viewers.size === 0) this.drop(k, other);
    const kept = this.tails.get(key);
    if (kept) {
      clearTimeout(kept.timer);
      kept.timer = undefined;
      return kept;
    }
    const model = new TailModel(this.cap, filter);
    const viewers = new Set<() => void>();
    const entry: Entry = {
      model,
      paused: null,
      viewers,
      watch: (fn) => {
        viewers.add(fn);
        return () => viewers.delete(fn);
      },
      off: this.subscribe((t) => {
        model.apply(t);
        for (const fn of viewers) fn();
      }),
      timer: undefined,
    };
    this.tails.set(key, entry);
    return entry;
  }

  /** No page shows this tail now: it reads on for `keepMs`, then stops, unless taken again. */
  release(key: string): void {
    const entry = this.tails.get(key);
    if (!entry || entry.viewers.size > 0) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.drop(key, entry), this.keepMs);
  }

  /** How many tails it holds, seen or not. */
  get size(): number {
    return this.tails.size;
  }

  private drop(key: string, entry: Entry): void {
    clearTimeout(entry.timer);
    entry.off();
    this.tails.delete(key);
  }
}
