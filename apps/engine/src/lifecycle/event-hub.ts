import { randomBytes } from 'node:crypto';
import { consoleEventTypes } from '@organism/shared';
import type {
  Activity,
  ConsoleEvent,
  Log,
  RoutedTransition,
  StreamEvent,
  StreamItem,
} from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import type { EngineEvents } from '../pump/engine-events.ts';
import { stderrLog } from '../pump/stderr-log.ts';
import { Ring } from './ring.ts';
import { SharedItems } from './shared-items.ts';
import { signal } from './signal.ts';
import { formatId, parseId, transitionFilter, viewOf } from './stream-cursor.ts';
import type { Cursor, StreamRequest } from './stream-cursor.ts';

export interface EventHubOptions {
  journal: Pick<Journal, 'routedTransitions' | 'headSeq' | 'watchWrites'>;
  events: EngineEvents;
  /** Listener figures and routes, read once per tick while anyone subscribes. */
  activity: () => Omit<Activity, 'at'>;
  /** Names this process's numbering of engine events; a cursor from another epoch gets `reset`. */
  epoch?: string;
  /** Transitions kept for subscribers (older ones are read again from the journal). Default 20,000. */
  ringSize?: number;
  /** Engine events kept for resuming subscribers (older ones are lost: `reset`). Default 10,000. */
  eventRingSize?: number;
  /** Transitions per journal read. Default 1,000. */
  pageSize?: number;
  /** Activity tick, and fallback wake-up should a commit's go unheard. Default 1,000 ms. */
  tickMs?: number;
  /** How long the hub stays awake after its last subscriber leaves (a reconnect resumes). Default 30 s. */
  lingerMs?: number;
  /**
   * The least time between two `changes` items of a subscriber that keeps up: what comes sooner joins
   * the next item. A browser redraws no faster, and under load each item costs the server a write per
   * subscriber whatever it holds. The first item after a quiet spell goes at once, and so does a full
   * one (500 transitions or events). Default 100 ms.
   */
  itemGapMs?: number;
  log?: Log;
}

export interface StreamOut {
  id: string;
  item: StreamItem;
}

interface EventSlot {
  ev: number;
  /** The hub's journal read head when the event came: it follows every transition up to here. */
  sAt: number;
  event: ConsoleEvent;
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
 * The one reader of the journal for every console stream. Woken by the journal's commits (and a slow
 * tick), it reads each new page of transitions once, with their routes, into a bounded ring, numbers
 * the engine events in a ring of their own, and wakes its subscribers; each one walks the rings with its
 * own cursor, and one behind the transition ring catches up from the journal in pages. Nothing runs, is
 * subscribed or kept while nobody subscribes (after a short linger).
 */
export class EventHub {
  readonly epoch: string;
  private readonly transitions: Ring<RoutedTransition>;
  private readonly events: Ring<EventSlot>;
  /** Live items subscribers made, for the others at the same place to send as they are. */
  private readonly shared = new SharedItems<StreamOut>();
  private readonly page: number;
  private readonly log: Log;
  /** Last transition read into the ring; every transition in (tFloor, seq] is in it. */
  private seq = 0;
  private tFloor = 0;
  /** Last engine event numbered; every event in (eFloor, ev] is in its ring. */
  private ev = 0;
  private eFloor = 0;
  private subscribers = 0;
  private active = false;
  private starting: Promise<void> | undefined;
  private stops: (() => void)[] = [];
  private linger: NodeJS.Timeout | undefined;
  private reading = false;
  private again = false;
  private closed = false;
  private failing = false;
  private changed = signal();
  /** Subscribers' pauses between items (`itemGapMs`), ended early by `close` and `settle`. */
  private readonly pauses = new Set<() => void>();
  /** The cursors of the subscribers that take engine events, for `settle` to follow. */
  private readonly eventCursors = new Set<Cursor>();
  /** While `settle` waits, no subscriber waits out its gap. */
  private settling = 0;
  private activity: { version: number; key: string; value: Activity | undefined } = {
    version: 0,
    key: '',
    value: undefined,
  };

  constructor(private readonly opts: EventHubOptions) {
    this.epoch = opts.epoch ?? randomBytes(6).toString('hex');
    this.transitions = new Ring(opts.ringSize ?? 20_000);
    this.events = new Ring(opts.eventRingSize ?? 10_000);
    this.page = opts.pageSize ?? 1_000;
    this.log = opts.log ?? stderrLog('stream');
  }

  /** Called after every journal commit: one check, and one read scheduled for the whole burst. */
  wake(): void {
    if (!this.active) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    setImmediate(() => void this.read());
  }

  /**
   * Resolves once every subscriber that takes engine events has been handed each event recorded so far,
   * or after `maxMs` (a subscriber whose client reads nothing holds it no longer): a drain's last figures
   * reach the console before a stop cuts its streams. Meanwhile no subscriber waits out its gap.
   */
  async settle(maxMs: number): Promise<void> {
    const upTo = this.ev;
    const behind = (): boolean => [...this.eventCursors].some((c) => c.e < upTo);
    if (!behind()) return;
    this.settling++;
    for (const end of this.pauses) end();
    this.changed.fire();
    const until = Date.now() + maxMs;
    try {
      while (behind() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    } finally {
      this.settling--;
    }
    // Handed over: a turn more for the stream to write it to its socket.
    await new Promise((r) => setTimeout(r, 5));
  }

  /** Ends every subscription and stops (engine close). */
  close(): void {
    this.closed = true;
    this.deactivate();
    for (const end of this.pauses) end();
    this.changed.fire();
  }

  /** One subscriber's items, from its `lastEventId` (or the present) on, until `abort` or close. */
  async *stream(req: StreamRequest, abort?: AbortSignal): AsyncGenerator<StreamOut> {
    this.subscribers++;
    clearTimeout(this.linger);
    // An abort wakes every waiter once (rare, and cheap): this one then sees it and ends.
    const onAbort = (): void => this.changed.fire();
    abort?.addEventListener('abort', onAbort, { once: true });
    const cur: Cursor = { s: 0, e: 0 };
    try {
      await this.activate();
      const withEvents = req.events !== false;
      const wanted = transitionFilter(req);
      // Subscribers with the same filters share their live items (shared-items.ts); one that leaves
      // engine events out keeps no event cursor to share them by.
      const view = withEvents ? viewOf(req) : undefined;
      cur.s = this.seq;
      cur.e = this.ev;
      if (withEvents) this.eventCursors.add(cur);
      const out = (item: StreamItem): StreamOut => ({ id: formatId(this.epoch, cur), item });
      const from = parseId(req.lastEventId);
      let reset: string | undefined;
      if (from.kind === 'cursor' || from.kind === 'seq') cur.s = from.s;
      if (from.kind === 'cursor' && from.epoch === this.epoch) cur.e = from.e;
      else if (from.kind === 'cursor') reset = 'the engine restarted: its earlier events are gone';
      else if (from.kind === 'invalid') reset = 'the event id is not one of this stream';
      if (cur.s > this.seq) {
        reset = 'the journal is not the one the event id came from';
        cur.s = this.seq;
      }
      if (reset && withEvents) yield out({ kind: 'reset', reason: reset });
      let pending: RoutedTransition[] = [];
      let catchingUp = false;
      let sentActivity = 0;
      const gap = this.opts.itemGapMs ?? 100;
      let lastLive = 0;
      let gapEnds: Promise<void> | undefined;
      while (!abort?.aborted && !this.closed) {
        const wait = this.changed.promise;
        if (withEvents && cur.e < this.eFloor) {
          cur.e = this.eFloor;
          yield out({ kind: 'reset', reason: 'the stream fell behind the engine events it keeps' });
          continue;
        }
        const activity = this.activity;
        if (withEvents && activity.value && activity.version > sentActivity) {
          sentActivity = activity.version;
          yield out({ kind: 'activity', activity: activity.value });
          continue;
        }
        if (pending.length === 0 && cur.s < this.tFloor) {
          // Behind the ring: this subscriber reads the journal itself, a page at a time.
          const behind = this.seq - cur.s;
          if (!catchingUp && behind > LAG_NOTICE) yield out({ kind: 'lagged', behind });
          catchingUp = true;
          const page = await this.readPage(cur.s, wait);
          if (!page) continue;
          const first = page[0];
          if (first && first.seq > cur.s + 1 && cur.s > 0)
            yield out({ kind: 'pruned', from: cur.s + 1, to: first.seq - 1 });
          // What the hub has not read yet comes from the ring, in order with the events.
          pending = page.filter((t) => t.seq <= this.seq);
          if (pending.length === 0) cur.s = this.seq;
          continue;
        }
        // The next item: a run of transitions with the engine events among them, so a burst travels as
        // one item however many threads it opens. An event follows every transition the hub had read
        // when it came (`sAt`): it joins the item once those are taken, and never overtakes one.
        if (pending.length === 0) catchingUp = false;
        // Within the gap a subscriber waits for more, unless a whole item's worth is already there.
        if (
          pending.length === 0 &&
          gap > 0 &&
          this.settling === 0 &&
          this.seq - cur.s < BATCH &&
          this.ev - cur.e < BATCH
        ) {
          const early = lastLive + gap - Date.now();
          if (early > 0) {
            // Woken by whichever comes first: under load a commit's wake-up (a timer can wait
            // seconds behind the pump's promise chains), or the gap's end when all is quiet.
            gapEnds ??= this.pause(early, abort).finally(() => (gapEnds = undefined));
            await Promise.race([wait, gapEnds]);
            continue;
          }
        }
        const live = pending.length === 0 ? view : undefined;
        const made = live === undefined ? undefined : this.shared.at(live, cur);
        if (made) {
          cur.s = made.to.s;
          cur.e = made.to.e;
          lastLive = Date.now();
          yield made.out;
          continue;
        }
        // Where another subscriber's item starts, this one ends: from there on the two send the same.
        const start = { ...cur };
        const end = live === undefined ? undefined : this.shared.nextStart(live, cur);
        const run = pending.length > 0 ? pending : this.transitions.from((x) => x.seq > cur.s, BATCH);
        const among = withEvents ? this.events.from((x) => x.ev > cur.e, BATCH) : [];
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
            if (wanted(t)) transitions.push(t);
          } else break;
        }
        if (run === pending) pending.splice(0, taken);
        else if (taken > 0 || events.length > 0) lastLive = Date.now();
        if (transitions.length > 0 || events.length > 0) {
          const item = out({ kind: 'changes', transitions, events });
          if (live !== undefined) this.shared.add(live, start, cur, item);
          yield item;
        }
        if (taken > 0 || events.length > 0) continue;
        await wait;
      }
    } finally {
      abort?.removeEventListener('abort', onAbort);
      this.eventCursors.delete(cur);
      this.left();
    }
  }

  /** Waits `ms`, or less should the subscriber leave or the hub close. */
  private pause(ms: number, abort: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', end);
        this.pauses.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      abort?.addEventListener('abort', end, { once: true });
      this.pauses.add(end);
    });
  }

  private async readPage(after: number, wait: Promise<void>): Promise<RoutedTransition[] | undefined> {
    try {
      return await this.opts.journal.routedTransitions(after, this.page);
    } catch (err) {
      // A journal outage: try again at the next commit or tick.
      this.readFailed(err);
      await wait;
      return undefined;
    }
  }

  private activate(): Promise<void> {
    if (this.active || this.closed) return Promise.resolve();
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<void> {
    const head = await this.opts.journal.headSeq();
    this.seq = this.tFloor = head;
    this.transitions.clear();
    this.shared.clear();
    // Events that came while nobody listened were not kept: a cursor from before now gets `reset`.
    this.eFloor = ++this.ev;
    this.events.clear();
    const { events, journal } = this.opts;
    const record = (e: ConsoleEvent): void => this.record(e);
    this.stops = consoleEventTypes.map((type) => events.on(type, record as (e: unknown) => void));
    this.stops.push(journal.watchWrites((err) => err === undefined && this.wake()));
    const tick = setInterval(() => {
      this.wake();
      this.tick();
    }, this.opts.tickMs ?? 1_000);
    tick.unref();
    this.stops.push(() => clearInterval(tick));
    this.active = true;
    this.tick();
    this.wake();
  }

  private left(): void {
    this.subscribers--;
    if (this.subscribers > 0 || !this.active) return;
    const linger = this.opts.lingerMs ?? 30_000;
    if (linger <= 0) return this.deactivate();
    this.linger = setTimeout(() => this.deactivate(), linger);
    this.linger.unref();
  }

  private deactivate(): void {
    clearTimeout(this.linger);
    if (!this.active) return;
    this.active = false;
    for (const stop of this.stops) stop();
    this.stops = [];
    this.transitions.clear();
    this.events.clear();
    this.shared.clear();
    this.activity = { version: this.activity.version, key: '', value: undefined };
  }

  private record(event: ConsoleEvent): void {
    const evicted = this.events.push({ ev: ++this.ev, sAt: this.seq, event });
    if (evicted) this.eFloor = evicted.ev;
    this.changed.fire();
  }

  private async read(): Promise<void> {
    // Scheduled by a commit just before the engine closed (and the journal with it): nothing to read.
    if (!this.active) {
      this.reading = false;
      return;
    }
    try {
      do {
        this.again = false;
        for (;;) {
          const page = await this.opts.journal.routedTransitions(this.seq, this.page);
          if (!this.active) return;
          for (const t of page) {
            const evicted = this.transitions.push(t);
            if (evicted) this.tFloor = evicted.seq;
          }
          const last = page.at(-1);
          if (last) {
            this.seq = last.seq;
            this.changed.fire();
          }
          if (page.length < this.page) break;
        }
      } while (this.again && this.active);
      this.failing = false;
    } catch (err) {
      // A journal outage: the next commit or tick reads again from the same place.
      this.readFailed(err);
    } finally {
      this.reading = false;
    }
  }

  /** Said once per outage (the engine's journal health reports the outage itself). */
  private readFailed(err: unknown): void {
    if (!this.failing)
      this.log.warn({ err }, 'the event stream cannot read the journal; it retries every second');
    this.failing = true;
  }

  /** Pushes the activity when it changed since the last tick (its time aside). */
  private tick(): void {
    let next: Omit<Activity, 'at'>;
    try {
      next = this.opts.activity();
    } catch (err) {
      this.log.error({ err }, 'the activity could not be read');
      return;
    }
    const key = JSON.stringify(next);
    if (key === this.activity.key) return;
    this.activity = { version: this.activity.version + 1, key, value: { at: Date.now(), ...next } };
    this.changed.fire();
  }
}
