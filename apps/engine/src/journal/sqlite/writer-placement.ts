/**
 * Where an adaptive journal commits its batches (`writerThread: 'adaptive'`). On the engine's thread a
 * commit costs less (no copy of the batch to another thread, no wake-up of a second one: about a
 * fifth less CPU a message at 1,000 msg/s, bench/NOTES.md) and is answered sooner, but it holds the
 * event loop meanwhile; the writer thread runs the commits beside the engine's work. So the commits stay
 * on the engine's thread while its event loop has time to spare, and go to the writer thread once it
 * has not. They come back once both event loops together are less busy than TO_ENGINE over a longer
 * window: the same work costs the engine's thread alone about 0.8 of what it costs the two (0.75 to 0.88
 * measured), so that is the engine's thread at about 0.7 with the commits, a tenth below what sends them
 * away. A steady load moves them at most once, and a load between the two does not move them back and
 * forth (each move leaves the other connection's page cache cold).
 */
export const PLACEMENT_TICK_MS = 250;
/**
 * The engine's event loop busier than this on average over TO_THREAD_TICKS sends the commits away, and
 * so does one tick busier than SATURATED (a load that came at once: the commits are then on the thread
 * before the backlog grows).
 */
export const TO_THREAD = 0.8;
export const TO_THREAD_TICKS = 4;
export const SATURATED = 0.95;
/** Both event loops together less busy than this on average over TO_ENGINE_TICKS bring them back. */
export const TO_ENGINE = 0.85;
export const TO_ENGINE_TICKS = 12;

export type Placement = 'engine' | 'thread';

export class WriterPlacement {
  /** The measure of the last ticks since the commits last moved, newest last. */
  private readonly window: number[] = [];

  /**
   * Given where the commits are and how busy each event loop was in the last tick (0 to 1; the writer
   * thread's is busy only while it commits), where they go now: `undefined` to stay.
   */
  tick(where: Placement, engine: number, writer: number): Placement | undefined {
    const toThread = where === 'engine';
    const ticks = toThread ? TO_THREAD_TICKS : TO_ENGINE_TICKS;
    this.window.push(toThread ? engine : engine + writer);
    if (this.window.length > ticks) this.window.shift();
    const mean = this.window.reduce((a, b) => a + b, 0) / this.window.length;
    const move = toThread
      ? engine > SATURATED || (this.window.length === ticks && mean > TO_THREAD)
      : this.window.length === ticks && mean < TO_ENGINE;
    if (!move) return undefined;
    this.window.length = 0;
    return toThread ? 'thread' : 'engine';
  }
}
