import type { Activity, ConsoleEvent, RoutedTransition, StreamEvent, StreamItem } from '@organism/shared';
import { Ring } from './ring.ts';
import { SharedItems } from './shared-items.ts';
import { signal } from './signal.ts';
import { formatId, parseId, transitionFilter, viewOf } from './stream-cursor.ts';
import type { Cursor, StreamRequest } from './stream-cursor.ts';

export interface StreamOut {
  id: string;
  item: StreamItem;
}

export interface EventSlot {
  ev: number;
  /** The hub's journal read head when the event came: it follows every transition up to here. */
  sAt: number;
  event: ConsoleEvent;
}

/**
 * What the EventHub has read and numbered, as its subscriptions walk it. The hub alone writes it (the
 * one reader of the journal and recorder of engine events); each subscription reads it with its own
 * cursor.
 */
export class HubState {
  readonly transitions: Ring<RoutedTransition>;
  readonly events: Ring<EventSlot>;
  /** Live items subscriptions made, for the others at the same place to send as they are. */
  readonly shared = new SharedItems<StreamOut>();
  /** Last transition read into the ring; every transition in (tFloor, seq] is in it. */
  seq = 0;
  tFloor = 0;
  /** Last engine event numbered; every event in (eFloor, ev] is in its ring. */
  ev = 0;
  eFloor = 0;
  activity: { version: number; key: string; value: Activity | undefined } = {
    version: 0,
    key: '',
    value: undefined,
  };
  closed = false;
  /** While the hub's `settle` waits, no subscription waits out its gap. */
  settling = 0;
  /** Fired whenever the above moves on (and on an abort or close): every waiter looks again. */
  readonly changed = signal();
  /** Subscriptions' pauses between items (`itemGapMs`), ended early by `close` and `settle`. */
  readonly pauses = new Set<() => void>();
  /** The cursors of the subscriptions that take engine events, for `settle` to follow. */
  readonly eventCursors = new Set<Cursor>();

  constructor(
    readonly epoch: string,
    ringSize: number,
    eventRingSize: number,
  ) {
    this.transitions = new Ring(ringSize);
    this.events = new Ring(eventRingSize);
  }
}

export interface SubscriptionOptions {
  /** The least time between two `changes` items of a subscriber that keeps up (EventHubOptions). */
  gapMs: number;
  /** A page of transitions from the journal, for a subscription behind the ring; none on an outage. */
  readPage(after: number, wait: Promise<void>): Promise<RoutedTransition[] | undefined>;
}

/** Past this many unread transitions a subscriber is told it lagged (it keeps its cursor and catches up). */
const LAG_NOTICE = 5_000;
/**
 * The most transitions (and the most engine events) in one item. A burst travels together, so a
 * subscriber parses and handles one message per burst rather than one per transition or thread
 * (thousands a second at full speed), and the server encodes one.
 */
const BATCH = 500;

/**
 * One subscriber's walk over the hub's rings, from its `lastEventId` (or the present) on: the items it
 * is sent, in order, until `abort` or the hub's close. Behind the transition ring it reads the journal
 * itself, a page at a time, until it is back in the ring.
 */
export class Subscription {
  private readonly cur: Cursor = { s: 0, e: 0 };
  private readonly withEvents: boolean;
  private readonly wanted: (t: RoutedTransition) => boolean;
  /**
   * Subscriptions with the same filters share their live items (shared-items.ts); one that leaves
   * engine events out keeps no event cursor to share them by.
   */
  private readonly view: string | undefined;

  constructor(
    private readonly hub: HubState,
    private readonly req: StreamRequest,
    private readonly abort: AbortSignal | undefined,
    private readonly opts: SubscriptionOptions,
  ) {
    this.withEvents = req.events !== false;
    this.wanted = transitionFilter(req);
    this.view = this.withEvents ? viewOf(req) : undefined;
  }

  /** The items; the hub must be reading (activated) before the first is asked for. */
  async *items(): AsyncGenerator<StreamOut> {
    const { hub, cur, abort, withEvents } = this;
    // An abort wakes every waiter once (rare, and cheap): this one then sees it and ends.
    const onAbort = (): void => hub.changed.fire();
    abort?.addEventListener('abort', onAbort, { once: true });
    try {
      const reset = this.start();
      if (withEvents) hub.eventCursors.add(cur);
      if (reset && withEvents) yield this.out({ kind: 'reset', reason: reset });
      yield* this.walk();
    } finally {
      abort?.removeEventListener('abort', onAbort);
      hub.eventCursors.delete(cur);
    }
  }

  /** Places the cursor at the present or at `lastEventId`; says why, when it cannot resume there. */
  private start(): string | undefined {
    const { hub, cur } = this;
    cur.s = hub.seq;
    cur.e = hub.ev;
    const from = parseId(this.req.lastEventId);
    let reset: string | undefined;
    if (from.kind === 'cursor' || from.kind === 'seq') cur.s = from.s;
    if (from.kind === 'cursor' && from.epoch === hub.epoch) cur.e = from.e;
    else if (from.kind === 'cursor') reset = 'the engine restarted: its earlier events are gone';
    else if (from.kind === 'invalid') reset = 'the event id is not one of this stream';
    if (cur.s > hub.seq) {
      reset = 'the journal is not the one the event id came from';
      cur.s = hub.seq;
    }
    return reset;
  }

  private out(item: StreamItem): StreamOut {
    return { id: formatId(this.hub.epoch, this.cur), item };
  }

  private async *walk(): AsyncGenerator<StreamOut> {
    const { hub, cur, abort, withEvents, view } = this;
    let pending: RoutedTransition[] = [];
    let catchingUp = false;
    let sentActivity = 0;
    const gap = this.opts.gapMs;
    let lastLive = 0;
    let gapEnds: Promise<void> | undefined;
    while (!abort?.aborted && !hub.closed) {
      const wait = hub.changed.promise;
      if (withEvents && cur.e < hub.eFloor) {
        cur.e = hub.eFloor;
        yield this.out({ kind: 'reset', reason: 'the stream fell behind the engine events it keeps' });
        continue;
      }
      const activity = hub.activity;
      if (withEvents && activity.value && activity.version > sentActivity) {
        sentActivity = activity.version;
        yield this.out({ kind: 'activity', activity: activity.value });
        continue;
      }
      if (pending.length === 0 && cur.s < hub.tFloor) {
        // Behind the ring: this subscriber reads the journal itself, a page at a time.
        const behind = hub.seq - cur.s;
        if (!catchingUp && behind > LAG_NOTICE) yield this.out({ kind: 'lagged', behind });
        catchingUp = true;
        const page = await this.opts.readPage(cur.s, wait);
        if (!page) continue;
        const first = page[0];
        if (first && first.seq > cur.s + 1 && cur.s > 0)
          yield this.out({ kind: 'pruned', from: cur.s + 1, to: first.seq - 1 });
        // What the hub has not read yet comes from the ring, in order with the events.
        pending = page.filter((t) => t.seq <= hub.seq);
        if (pending.length === 0) cur.s = hub.seq;
        continue;
      }
      if (pending.length === 0) catchingUp = false;
      // Within the gap a subscriber waits for more, unless a whole item's worth is already there.
      if (
        pending.length === 0 &&
        gap > 0 &&
        hub.settling === 0 &&
        hub.seq - cur.s < BATCH &&
        hub.ev - cur.e < BATCH
      ) {
        const early = lastLive + gap - Date.now();
        if (early > 0) {
          // Woken by whichever comes first: under load a commit's wake-up (a timer can wait
          // seconds behind the pump's promise chains), or the gap's end when all is quiet.
          gapEnds ??= this.pause(early).finally(() => (gapEnds = undefined));
          await Promise.race([wait, gapEnds]);
          continue;
        }
      }
      const live = pending.length === 0 ? view : undefined;
      const made = live === undefined ? undefined : hub.shared.at(live, cur);
      if (made) {
        cur.s = made.to.s;
        cur.e = made.to.e;
        lastLive = Date.now();
        yield made.out;
        continue;
      }
      // Where another subscriber's item starts, this one ends: from there on the two send the same.
      const start = { ...cur };
      const end = live === undefined ? undefined : hub.shared.nextStart(live, cur);
      const run = pending.length > 0 ? pending : hub.transitions.from((x) => x.seq > cur.s, BATCH);
      const { taken, transitions, events } = this.take(run, end);
      if (run === pending) pending.splice(0, taken);
      else if (taken > 0 || events.length > 0) lastLive = Date.now();
      if (transitions.length > 0 || events.length > 0) {
        const item = this.out({ kind: 'changes', transitions, events });
        if (live !== undefined) hub.shared.add(live, start, cur, item);
        yield item;
      }
      if (taken > 0 || events.length > 0) continue;
      await wait;
    }
  }

  /**
   * The next item's contents, moving the cursor past them: a run of transitions with the engine events
   * among them, so a burst travels as one item however many threads it opens. An event follows every
   * transition the hub had read when it came (`sAt`): it joins the item once those are taken, and never
   * overtakes one. The item ends at `end`, where another subscriber's begins.
   */
  private take(
    run: readonly RoutedTransition[],
    end: Cursor | undefined,
  ): { taken: number; transitions: RoutedTransition[]; events: StreamEvent[] } {
    const { hub, cur } = this;
    const among = this.withEvents ? hub.events.from((x) => x.ev > cur.e, BATCH) : [];
    const limit = Math.min(run.length, BATCH);
    const transitions: RoutedTransition[] = [];
    const events: StreamEvent[] = [];
    let taken = 0;
    for (;;) {
      if (end && cur.s === end.s && cur.e === end.e) break;
      const t = taken < limit ? run[taken] : undefined;
      const x = among[events.length];
      if (x && (x.sAt <= cur.s || (t !== undefined && x.sAt < t.seq))) {
        cur.e = x.ev;
        events.push({ after: x.sAt, event: x.event });
      } else if (t) {
        taken++;
        cur.s = t.seq;
        if (this.wanted(t)) transitions.push(t);
      } else break;
    }
    return { taken, transitions, events };
  }

  /** Waits `ms`, or less should the subscriber leave or the hub close. */
  private pause(ms: number): Promise<void> {
    const { hub, abort } = this;
    return new Promise<void>((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', end);
        hub.pauses.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      abort?.addEventListener('abort', end, { once: true });
      hub.pauses.add(end);
    });
  }
}
