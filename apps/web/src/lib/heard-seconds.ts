/**
 * Which seconds a tab's event stream heard: every whole second is decided once, as heard (the stream was
 * live through it) or unheard (it was away or reconnecting for some of it: a gap in the chart, not a zero).
 * Seconds are decided in runs, up to a given second, by a timer and by each reader before it reads: a
 * second that ended after the timer's last tick, or one a late tick skipped (a hidden tab's timers may run
 * seconds apart), would otherwise read as a quiet one while the stream is away.
 */
export class HeardSeconds {
  readonly unheard = new Set<number>();
  /** The last second decided. */
  private decided: number;

  /** `now` in ms; the seconds before it are no business of this tab. */
  constructor(now: number) {
    this.decided = Math.floor(now / 1000) - 1;
  }

  /** Decides every second after the last decided one, up to and including `through`. */
  decide(through: number, heard: boolean, oldest = through - 600): void {
    if (!heard) for (let s = Math.max(this.decided + 1, oldest); s <= through; s++) this.unheard.add(s);
    this.decided = Math.max(this.decided, through);
  }

  /**
   * The stream's connection changed at `now` (ms): the seconds ended before it were as it was, and when it
   * was not live the second in progress was partly unheard too.
   */
  changed(now: number, wasLive: boolean): void {
    const second = Math.floor(now / 1000);
    this.decide(wasLive ? second - 1 : second, wasLive);
  }

  /** Marks a second unheard that was decided already (the engine was silent before the stream knew it). */
  mark(second: number): void {
    this.unheard.add(second);
  }

  /** Forgets the seconds before `oldest`. */
  forgetBefore(oldest: number): void {
    for (const s of this.unheard) if (s < oldest) this.unheard.delete(s);
  }
}
