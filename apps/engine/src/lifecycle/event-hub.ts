import { randomBytes } from 'node:crypto';
import { consoleEventTypes } from '@organism/shared';
import type { Activity, ConsoleEvent, Log, RoutedTransition } from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import type { EngineEvents } from '../pump/engine-events.ts';
import { stderrLog } from '../pump/stderr-log.ts';
import { HubState, Subscription } from './hub-subscription.ts';
import { Turns } from './turns.ts';
import type { StreamOut } from './hub-subscription.ts';
import type { StreamRequest } from './stream-cursor.ts';

export type { StreamOut } from './hub-subscription.ts';

/** Subscribers behind the ring that read a page of the journal at the same time (the rest wait their turn). */
const CATCH_UP_READERS = 2;

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

/**
 * The one reader of the journal for every console stream. Woken by the journal's commits (and a slow
 * tick), it reads each new page of transitions once, with their routes, into a bounded ring, numbers
 * the engine events in a ring of their own, and wakes its subscribers; each one walks the rings with its
 * own cursor, and one behind the transition ring catches up from the journal in pages. Nothing runs, is
 * subscribed or kept while nobody subscribes (after a short linger).
 */
export class EventHub {
  readonly epoch: string;
  private readonly state: HubState;
  private readonly page: number;
  private readonly log: Log;
  private subscribers = 0;
  private active = false;
  private starting: Promise<void> | undefined;
  private stops: (() => void)[] = [];
  private linger: NodeJS.Timeout | undefined;
  private reading = false;
  private again = false;
  private failing = false;
  /** Subscribers reading a page of the journal take turns (`readPage`). */
  private readonly catchUps = new Turns(CATCH_UP_READERS);

  constructor(private readonly opts: EventHubOptions) {
    this.epoch = opts.epoch ?? randomBytes(6).toString('hex');
    this.state = new HubState(this.epoch, opts.ringSize ?? 20_000, opts.eventRingSize ?? 10_000);
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
    const upTo = this.state.ev;
    const behind = (): boolean => [...this.state.eventCursors].some((c) => c.e < upTo);
    if (!behind()) return;
    this.state.settling++;
    for (const end of this.state.pauses) end();
    this.state.changed.fire();
    const until = Date.now() + maxMs;
    try {
      while (behind() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    } finally {
      this.state.settling--;
    }
    // Handed over: a turn more for the stream to write it to its socket.
    await new Promise((r) => setTimeout(r, 5));
  }

  /** Ends every subscription and stops (engine close). */
  close(): void {
    this.state.closed = true;
    this.deactivate();
    for (const end of this.state.pauses) end();
    this.state.changed.fire();
  }

  /** One subscriber's items, from its `lastEventId` (or the present) on, until `abort` or close. */
  async *stream(req: StreamRequest, abort?: AbortSignal): AsyncGenerator<StreamOut> {
    this.subscribers++;
    clearTimeout(this.linger);
    try {
      await this.activate();
      yield* new Subscription(this.state, req, abort, {
        gapMs: this.opts.itemGapMs ?? 100,
        readPage: (after, wait) => this.readPage(after, wait),
      }).items();
    } finally {
      this.left();
    }
  }

  /**
   * A page of the journal for a subscriber behind the ring. Such reads take turns, CATCH_UP_READERS at a
   * time, each turn after the event loop has looked at its sockets: a client that replays the journal from
   * its start (or three hundred of them) reads page after page without the engine answering anything
   * else meanwhile otherwise, as each page's socket write returns at once on a fast connection.
   */
  private async readPage(after: number, wait: Promise<void>): Promise<RoutedTransition[] | undefined> {
    await this.catchUps.take();
    try {
      // After the sockets: a turn of the event loop between two pages of every reader.
      await new Promise((resolve) => setImmediate(resolve));
      return await this.opts.journal.routedTransitions(after, this.page);
    } catch (err) {
      // A journal outage: try again at the next commit or tick.
      this.readFailed(err);
      await wait;
      return undefined;
    } finally {
      this.catchUps.done();
    }
  }

  private activate(): Promise<void> {
    if (this.active || this.state.closed) return Promise.resolve();
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<void> {
    const head = await this.opts.journal.headSeq();
    this.state.seq = this.state.tFloor = head;
    this.state.transitions.clear();
    this.state.shared.clear();
    // Events that came while nobody listened were not kept: a cursor from before now gets `reset`.
    this.state.eFloor = ++this.state.ev;
    this.state.events.clear();
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
    this.state.transitions.clear();
    this.state.events.clear();
    this.state.shared.clear();
    this.state.activity = { version: this.state.activity.version, key: '', value: undefined };
  }

  private record(event: ConsoleEvent): void {
    const evicted = this.state.events.push({ ev: ++this.state.ev, sAt: this.state.seq, event });
    if (evicted) this.state.eFloor = evicted.ev;
    this.state.changed.fire();
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
          const page = await this.opts.journal.routedTransitions(this.state.seq, this.page);
          if (!this.active) return;
          for (const t of page) {
            const evicted = this.state.transitions.push(t);
            if (evicted) this.state.tFloor = evicted.seq;
          }
          const last = page.at(-1);
          if (last) {
            this.state.seq = last.seq;
            this.state.changed.fire();
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
    if (key === this.state.activity.key) return;
    this.state.activity = {
      version: this.state.activity.version + 1,
      key,
      value: { at: Date.now(), ...next },
    };
    this.state.changed.fire();
  }
}
